import Foundation
import PresenceCore
import PresenceRecording
import PresenceSimulator
import Synchronization

/// Simulated recordings shared by the tests of one run: each scene is written
/// once (by the real `presenced simulate`) and reused.
public enum SceneFixtures {
    private static let cache = Mutex<[String: String]>([:])
    private static let directory: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("presenced-scenes-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The scene's recording: the corpus file when the corpus has this scene, length and seed, else made once per run.
    public static func recording(_ scene: SimulatedScene, seconds: Int, seed: UInt64 = 1) throws -> String {
        if let entry = try Corpus.entries().first(where: {
            $0.simulation.map { $0 == (scene.rawValue, "\(seconds)s", "\(seed)") } ?? false
        }) {
            return try Corpus.ensure(entry)
        }
        let key = "\(scene.rawValue)-\(seconds)s-seed\(seed)"
        return try cache.withLock { files in
            if let path = files[key] { return path }
            let path = directory.appendingPathComponent("\(key).mcap").path
            let r = try TestSupport.presenced("simulate", "--scene", scene.rawValue, "--duration", "\(seconds)s", "--seed", "\(seed)", "--out", path)
            guard r.status == 0 else { throw TestFailure("simulate \(key): exit \(r.status): \(r.stderr)") }
            files[key] = path
            return path
        }
    }

    /// The occupancy labels of a recording, read back with our reader.
    public static func labels(_ path: String) throws -> [SceneExpectations.Label] { try truth(path).labels }

    /// The occupancy labels of a recording and the log time of its last message (where it ends).
    public static func truth(_ path: String) throws -> (labels: [SceneExpectations.Label], end: Int64) {
        let reader = try RecordingReader(path: path)
        var out: [SceneExpectations.Label] = []
        var end = Int64.min
        while let m = try reader.next() {
            end = max(end, m.logTime)
            if case .label(let l) = m.content { out.append(.init(t: m.logTime, occupied: l.occupied)) }
        }
        return (out, end)
    }

    /// Parses replay's stdout into events (occupancy and sensor).
    public static func events(_ stdout: String) -> [PresenceEvent] {
        stdout.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let t = (o["t"] as? NSNumber)?.int64Value else { return nil }
            if o["type"] as? String == "occupancy" {
                return .occupancy(OccupancyChange(t: t, occupied: o["occupied"] as? Bool ?? false,
                                                  confidence: (o["confidence"] as? NSNumber)?.doubleValue ?? 0, sources: [:]))
            }
            guard let s = (o["sensor"] as? String).flatMap(SensorKind.init(rawValue:)),
                  let status = (o["status"] as? String).flatMap(SensorStatus.init(rawValue:)) else { return nil }
            return .sensor(SensorChange(t: t, sensor: s, status: status))
        }
    }
}
