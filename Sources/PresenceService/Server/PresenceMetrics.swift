import PresenceCore
import Prometheus

/// Every metric of DESIGN.md §7, created once at start (never per event) so
/// that a scrape always shows the full set, with zeros where nothing happened.
public final class PresenceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let occupied: Gauge
    public let confidence: Gauge
    public let transitionsToOccupied: Counter
    public let transitionsToVacant: Counter
    public let sensorUp: [SensorKind: Gauge]
    /// Not in DESIGN.md §7's list: 1 while the sensor delivers data but loses some of it (status `degraded`).
    public let sensorDegraded: [SensorKind: Gauge]
    public let samples: [SensorKind: Counter]
    public let samplesDroppedRingFull: [SensorKind: Counter]
    public let samplesDroppedCorrupt: [SensorKind: Counter]
    public let samplesDroppedOverrun: [SensorKind: Counter]
    public let reconnects: [SensorKind: Counter]
    public let tickDuration: DurationHistogram
    public let captureDelay: [SensorKind: DurationHistogram]
    public let subscribers: Gauge
    public let subscribersDropped: Counter
    /// Not in DESIGN.md §7's list: flight-recorder clips by what became of them (written; failed: the disk
    /// refused them, e.g. full; dropped: the writer was still busy with two others).
    public let clipsWritten: Counter
    public let clipsFailed: Counter
    public let clipsDropped: Counter
    /// Not in DESIGN.md §7's list: 1 while the `[mqtt]` broker has accepted presenced (0 without `[mqtt]`).
    public let mqttConnected: Gauge
    public let calibrationAge: Gauge
    /// Not in DESIGN.md §7's list: HTTP connections refused because `HTTPLimits.maxConnections` were open.
    public let httpRefused: Counter
    /// Not in DESIGN.md §7's list: HTTP connections the server closed, by reason (`header_timeout`: no
    /// complete request header in time; `idle`: nothing moved on it for the idle timeout).
    public let httpClosedHeaderTimeout: Counter
    public let httpClosedIdle: Counter
    /// Not in DESIGN.md §7's list: accepts that failed on a listener (`http`, `socket`), most often because
    /// the process ran out of descriptors (EMFILE); the listener then waits a second and tries again.
    public let acceptErrorsHTTP: Counter
    /// Not in DESIGN.md §7's list: browsers on the live page's `GET /live`, and those dropped for not keeping up.
    public let liveClients: Gauge
    /// People the radar counts (an LD2450's targets, ghosts left out); -1 where the radar cannot count.
    public let targets: Gauge
    public let liveClientsDropped: Counter
    public let acceptErrorsSocket: Counter

    /// `presence_<name>`; units are already part of the names (`_seconds`, `_total`).
    private static func d(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "presence", metricName: name, unitName: "", helpText: help)
    }

    public init(version: String, model: String) {
        let d = Self.d
        let r = PrometheusCollectorRegistry()
        registry = r
        occupied = r.makeGauge(descriptor: d("occupied", "1 while the room is occupied, else 0"))
        confidence = r.makeGauge(descriptor: d("confidence", "p(occupied) of the latest tick, 0..1"))
        transitionsToOccupied = r.makeCounter(descriptor: d("transitions_total", "Changes of the occupancy state, by new state"), labels: [("to", "occupied")])
        transitionsToVacant = r.makeCounter(descriptor: d("transitions_total", "Changes of the occupancy state, by new state"), labels: [("to", "vacant")])
        func perSensor<T>(_ make: (SensorKind) -> T) -> [SensorKind: T] {
            Dictionary(uniqueKeysWithValues: SensorKind.allCases.map { ($0, make($0)) })
        }
        sensorUp = perSensor { r.makeGauge(descriptor: d("sensor_up", "1 while the sensor delivers data"), labels: [("sensor", $0.rawValue)]) }
        sensorDegraded = perSensor {
            r.makeGauge(descriptor: d("sensor_degraded", "1 while the sensor delivers data but loses some (corrupt frames, overruns, drops)"), labels: [("sensor", $0.rawValue)])
        }
        samples = perSensor { r.makeCounter(descriptor: d("samples_total", "Samples taken into the pipeline"), labels: [("sensor", $0.rawValue)]) }
        samplesDroppedRingFull = perSensor {
            r.makeCounter(descriptor: d("samples_dropped_total", "Samples dropped before the pipeline, by reason"), labels: [("sensor", $0.rawValue), ("reason", "ring_full")])
        }
        samplesDroppedCorrupt = perSensor {
            r.makeCounter(descriptor: d("samples_dropped_total", "Samples dropped before the pipeline, by reason"), labels: [("sensor", $0.rawValue), ("reason", "corrupt")])
        }
        samplesDroppedOverrun = perSensor {
            r.makeCounter(descriptor: d("samples_dropped_total", "Samples dropped before the pipeline, by reason"), labels: [("sensor", $0.rawValue), ("reason", "overrun")])
        }
        reconnects = perSensor { r.makeCounter(descriptor: d("sensor_reconnects_total", "Times a lost sensor came back"), labels: [("sensor", $0.rawValue)]) }
        // A tick takes 0.1-0.5 ms on a PC: fine steps there, so that a drift of a tenth of a millisecond
        // shows (make soak compares the p99 of each quarter of its run), coarse ones for a slow board.
        let tickBuckets: [Duration] = [.microseconds(50), .microseconds(100), .microseconds(150), .microseconds(200),
                                       .microseconds(250), .microseconds(300), .microseconds(400), .microseconds(500),
                                       .microseconds(750), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
                                       .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100)]
        tickDuration = r.makeDurationHistogram(descriptor: d("tick_duration_seconds", "Processing time of one 10 Hz pipeline tick"), buckets: tickBuckets)
        let delayBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1)]
        captureDelay = perSensor {
            r.makeDurationHistogram(descriptor: d("capture_delay_seconds", "Time from a sample's capture to its processing"), labels: [("sensor", $0.rawValue)], buckets: delayBuckets)
        }
        subscribers = r.makeGauge(descriptor: d("subscribers", "Socket clients connected"))
        subscribersDropped = r.makeCounter(descriptor: d("subscribers_dropped_total", "Socket clients disconnected because they did not keep up"))
        let clips = d("clips_total", "Flight-recorder clips, by result")
        clipsWritten = r.makeCounter(descriptor: clips, labels: [("result", "written")])
        clipsFailed = r.makeCounter(descriptor: clips, labels: [("result", "failed")])
        clipsDropped = r.makeCounter(descriptor: clips, labels: [("result", "dropped")])
        mqttConnected = r.makeGauge(descriptor: d("mqtt_connected", "1 while connected to the MQTT broker of [mqtt], else 0"))
        calibrationAge = r.makeGauge(descriptor: d("calibration_age_seconds",
                                                   "Seconds since the radar calibration in use ([radar] calibration) was learned; -1 without one"))
        calibrationAge.set(Double(-1))
        httpRefused = r.makeCounter(descriptor: d("http_connections_refused_total", "HTTP connections refused because too many were open"))
        let closed = d("http_connections_closed_total", "HTTP connections closed by the server, by reason")
        httpClosedHeaderTimeout = r.makeCounter(descriptor: closed, labels: [("reason", "header_timeout")])
        httpClosedIdle = r.makeCounter(descriptor: closed, labels: [("reason", "idle")])
        let acceptErrors = d("accept_errors_total", "Accepts that failed on a listener (e.g. out of descriptors), by listener")
        acceptErrorsHTTP = r.makeCounter(descriptor: acceptErrors, labels: [("listener", "http")])
        acceptErrorsSocket = r.makeCounter(descriptor: acceptErrors, labels: [("listener", "socket")])
        targets = r.makeGauge(descriptor: d("targets", "People the radar counts (LD2450 targets, ghosts left out); -1 where it cannot count"))
        targets.set(Int64(-1))
        liveClients = r.makeGauge(descriptor: d("live_clients", "Browsers on the live page's event stream (GET /live)"))
        liveClientsDropped = r.makeCounter(descriptor: d("live_clients_dropped_total", "Live page browsers disconnected because they did not keep up"))
        r.makeGauge(descriptor: d("build_info", "Build and model in use; always 1"), labels: [("version", version), ("model", model)]).set(Int64(1))
    }

    /// Applies a tick's outcome and its events.
    func record(events: [PresenceEvent], state: OccupancyState) {
        occupied.set(Int64(state.occupied ? 1 : 0))
        confidence.set(state.confidence)
        for sensor in SensorKind.allCases {
            // A degraded sensor is up: it delivers data, only not all of it.
            let status = state.sensors[sensor]
            sensorUp[sensor]!.set(Int64(status == .ok || status == .degraded ? 1 : 0))
            sensorDegraded[sensor]!.set(Int64(status == .degraded ? 1 : 0))
        }
        for event in events {
            switch event {
            case .occupancy(let o): (o.occupied ? transitionsToOccupied : transitionsToVacant).increment()
            case .sensor(let s) where s.status == .ok && s.previous == .lost: reconnects[s.sensor]!.increment()
            case .sensor: break
            }
        }
    }
}
