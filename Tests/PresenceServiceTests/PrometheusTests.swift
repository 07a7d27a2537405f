import Foundation
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The real Prometheus (Debian's package) scrapes a running daemon on loopback; every metric of DESIGN.md
/// §7 comes back from its query API, and so does every query of the Grafana dashboard.
@Suite(.serialized) struct PrometheusTests {
    final class RunningPrometheus {
        let process = Process()
        let port = TestSupport.freePort()

        init(scraping target: Int, in dir: URL) throws {
            let config = dir.appendingPathComponent("prometheus.yml")
            try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: presenced
                static_configs:
                  - targets: ["127.0.0.1:\(target)"]
                    labels:
                      room: test-room
            """.write(to: config, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
            process.arguments = ["--config.file=\(config.path)", "--storage.tsdb.path=\(dir.appendingPathComponent("tsdb").path)",
                                 "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        /// The API's `data` for an instant query, or nil while Prometheus is not answering yet.
        func query(_ promQL: String) -> [String: Any]? {
            let q = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            return get("/api/v1/query?query=\(q)")
        }

        func get(_ pathAndQuery: String) -> [String: Any]? {
            guard let body = try? DaemonTests.httpGet(port: port, path: pathAndQuery),
                  let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                  json["status"] as? String == "success" else { return nil }
            return json
        }

        func series(_ promQL: String) -> [[String: Any]] {
            (query(promQL)?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        }

        /// Waits until `promQL` has a series (scrapes are a second apart; rates need two).
        func waitForSeries(_ promQL: String, timeout: TimeInterval = 40) -> [[String: Any]] {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let s = series(promQL)
                if !s.isEmpty { return s }
                usleep(250_000)
            }
            return []
        }
    }

    /// The dashboard's queries, with Grafana's variables as a person would have them: all rooms, and the
    /// rate interval Grafana would pick for this scrape interval.
    static func dashboardQueries() throws -> [(panel: String, expr: String)] {
        let url = TestSupport.repoRoot.appendingPathComponent("config/grafana/presenced.json")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        return panels.flatMap { panel in
            ((panel["targets"] as? [[String: Any]]) ?? []).compactMap { target in
                (target["expr"] as? String).map {
                    (panel["title"] as? String ?? "?", $0.replacingOccurrences(of: "$__rate_interval", with: "1m")
                        .replacingOccurrences(of: "$room", with: ".*"))
                }
            }
        }
    }

    @Test func prometheusScrapesEveryMetricAndAnswersEveryDashboardQuery() throws {
        let daemon = try DaemonTests.RunningDaemon()
        _ = try daemon.connect()  // up and serving
        let prometheus = try RunningPrometheus(scraping: daemon.metricsPort, in: daemon.dir)

        let up = prometheus.waitForSeries("up{job=\"presenced\"} == 1")
        #expect(!up.isEmpty, "Prometheus never scraped the daemon")
        for name in ["presence_occupied", "presence_confidence", "presence_transitions_total", "presence_sensor_up",
                     "presence_samples_total", "presence_samples_dropped_total", "presence_sensor_reconnects_total",
                     "presence_tick_duration_seconds_bucket", "presence_tick_duration_seconds_count",
                     "presence_capture_delay_seconds_bucket", "presence_subscribers", "presence_subscribers_dropped_total",
                     "presence_build_info"] {
            #expect(!prometheus.series("\(name){job=\"presenced\"}").isEmpty, "\(name) not in Prometheus")
        }
        // Counted by the pipeline, so they move: samples of all three sensors of the simulated room.
        let sensors = Set(prometheus.waitForSeries("rate(presence_samples_total[1m]) > 0").compactMap { ($0["metric"] as? [String: String])?["sensor"] })
        #expect(sensors == ["camera", "audio", "radar"], "\(sensors)")

        let queries = try Self.dashboardQueries()
        #expect(queries.count >= 9)
        for (panel, expr) in queries {
            #expect(!prometheus.waitForSeries(expr, timeout: 10).isEmpty, "\(panel): no data for \(expr)")
        }
        // The room variable's own query (Grafana's label_values) through the labels API.
        let match = "presence_build_info{job=\"presenced\"}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let rooms = prometheus.get("/api/v1/label/room/values?match[]=\(match)")?["data"] as? [String]
        #expect(rooms == ["test-room"])
    }

    @Test func theExampleConfigurationPassesPromtool() throws {
        let example = TestSupport.repoRoot.appendingPathComponent("config/prometheus.yml").path
        let r = try TestSupport.run("/usr/bin/promtool", ["check", "config", example])
        #expect(r.status == 0, "\(r.stdoutText) \(r.stderr)")
    }
}
