import Foundation
import Synchronization
import Testing

/// The regression corpus (Recordings/README.md): the simulated recordings listed
/// in `Recordings/scenes.tsv` plus every recording committed in `Recordings/`,
/// each with its golden events in `Recordings/golden/<name>.jsonl`.
/// scripts/golden.py lists the same set by the same rule.
public enum Corpus {
    public struct Entry: Sendable, CustomTestStringConvertible {
        /// Path relative to `Recordings/`.
        public var file: String
        /// How to make it, for simulated entries: (scene, duration, seed).
        public var simulation: (scene: String, duration: String, seed: String)?

        public var name: String { (file as NSString).lastPathComponent.replacingOccurrences(of: ".mcap", with: "") }
        public var path: String { Corpus.directory.appendingPathComponent(file).path }
        public var goldenPath: String { Corpus.directory.appendingPathComponent("golden/\(name).jsonl").path }
        public var testDescription: String { name }
    }

    public static let directory = TestSupport.repoRoot.appendingPathComponent("Recordings")

    /// Every corpus recording: the manifest's, then the committed ones not in it, by name.
    public static func entries() throws -> [Entry] {
        let manifest = try String(contentsOf: directory.appendingPathComponent("scenes.tsv"), encoding: .utf8)
        var out: [Entry] = []
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard f.count == 4 else { continue }
            out.append(Entry(file: f[0], simulation: (f[1], f[2], f[3])))
        }
        let listed = Set(out.map(\.file))
        let committed = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".mcap") && !listed.contains($0) }.sorted()
        return out + committed.map { Entry(file: $0, simulation: nil) }
    }

    private static let making = Mutex<Void>(())

    /// The entry's recording, made now if it is missing (`make corpus` makes them ahead of `swift test`).
    public static func ensure(_ entry: Entry) throws -> String {
        guard !FileManager.default.fileExists(atPath: entry.path) else { return entry.path }
        guard let sim = entry.simulation else { throw TestFailure("\(entry.path) is missing") }
        let part = entry.path + ".part.\(getpid()).\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: (entry.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let r = try TestSupport.presenced("simulate", "--scene", sim.scene, "--duration", sim.duration, "--seed", sim.seed, "--out", part)
        guard r.status == 0 else { throw TestFailure("simulate \(entry.file): exit \(r.status): \(r.stderr)") }
        // Two tests may make the same file: the rename is atomic, the bytes are identical.
        try making.withLock { _ in
            if FileManager.default.fileExists(atPath: entry.path) { try? FileManager.default.removeItem(atPath: part) }
            else { try FileManager.default.moveItem(atPath: part, toPath: entry.path) }
        }
        return entry.path
    }
}
