import Foundation
import PresenceCore
import PresenceDSP
import PresenceRecording

/// A radar calibration as stored (JSON): the format's name and version, when and from what it was learned, the
/// calibration, and the CRC-32 of the calibration's canonical JSON (sorted keys), so that a damaged or
/// hand-broken file is refused instead of half-applied.
///
///     {"format": "presenced-radar-calibration", "version": 1, "created": "2026-12-07T06:00:00Z",
///      "sources": ["empty.mcap"], "crc32": "…", "calibration": {"sensor": "ld2410", "moving_mean": [9 numbers], …}}
public struct RadarCalibrationFile: Sendable, Equatable {
    public static let format = "presenced-radar-calibration"
    public static let formatVersion = 1

    public var calibration: RadarCalibration
    /// RFC 3339, UTC.
    public var created: String
    /// What it was learned from: recording paths, or "live: <device>".
    public var sources: [String]

    public init(calibration: RadarCalibration, created: String, sources: [String]) {
        (self.calibration, self.created, self.sources) = (calibration, created, sources)
    }

    /// Learned now (or at `date`).
    public init(calibration: RadarCalibration, createdAt date: Date = Date(), sources: [String]) {
        self.init(calibration: calibration, created: Nanos.rfc3339(Nanos.seconds(date.timeIntervalSince1970)), sources: sources)
    }

    /// Writes the file at `path` atomically, making its directory if needed; `Problem` says why it could not.
    public func write(to path: String) throws(Problem) {
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoded().write(to: url, options: .atomic)
        } catch {
            throw Problem(description: "\(path): cannot write: \(error.localizedDescription)")
        }
    }

    /// `created` as seconds since 1970, nil when it does not read as RFC 3339
    /// (`presence_calibration_age_seconds`).
    public var createdSeconds: Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: created) { return d.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: created)?.timeIntervalSince1970
    }

    /// Why a file cannot be used: said in words, for `radar.calibration` errors and `calibrate`.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private struct Stored: Codable {
        var format: String
        var version: Int
        var created: String
        var sources: [String]
        var crc32: String
        var calibration: RadarCalibration
    }

    private static func canonical(_ c: RadarCalibration) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(c))
    }

    public func encoded() throws -> Data {
        let stored = Stored(format: Self.format, version: Self.formatVersion, created: created, sources: sources,
                            crc32: FileDigest.crc32(of: try Self.canonical(calibration)), calibration: calibration)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(stored) + Data("\n".utf8)
    }

    /// Reads a file for `sensor` (the configured radar model); every way it can be wrong is a `Problem`.
    public static func decode(_ data: Data, for sensor: RadarCalibration.Sensor? = nil) throws(Problem) -> RadarCalibrationFile {
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: data)
        } catch {
            throw Problem(description: "not a radar calibration file (\(Self.reason(error)))")
        }
        guard stored.format == Self.format else { throw Problem(description: "format \"\(stored.format)\", not \"\(Self.format)\"") }
        guard stored.version == Self.formatVersion else {
            throw Problem(description: "version \(stored.version); this presenced reads version \(Self.formatVersion)")
        }
        let crc = (try? Self.canonical(stored.calibration)).map(FileDigest.crc32(of:))
        guard crc == stored.crc32.lowercased() else {
            throw Problem(description: "damaged: its contents do not match its CRC-32 (\(stored.crc32))")
        }
        if let problem = stored.calibration.problem { throw Problem(description: problem) }
        if let sensor, sensor != stored.calibration.sensor {
            throw Problem(description: "learned with an \(stored.calibration.sensor.rawValue.uppercased()), but the radar is an \(sensor.rawValue.uppercased())")
        }
        return RadarCalibrationFile(calibration: stored.calibration, created: stored.created, sources: stored.sources)
    }

    /// Reads the file at `path` (see `decode`).
    public static func read(_ path: String, for sensor: RadarCalibration.Sensor? = nil) throws(Problem) -> RadarCalibrationFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: FileManager.default.fileExists(atPath: path) ? "\(path): cannot be read" : "\(path): no such file")
        }
        return try decode(data, for: sensor)
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c): "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let c): c.codingPath.isEmpty ? "not JSON" : "bad value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "\(error)"
        }
    }
}
