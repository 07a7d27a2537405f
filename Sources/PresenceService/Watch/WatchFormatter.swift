import Foundation

/// Turns protocol lines into sentences for a person.
public enum WatchFormatter {
    public static func describe(line: String) -> String? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let type = obj["type"] as? String else { return "(unreadable line) \(line)" }
        switch type {
        case "hello":
            let state = obj["state"] as? [String: Any] ?? [:]
            let sensors = (state["sensors"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let occupied = state["occupied"] as? Bool ?? false
            let restored = state["restored"] as? Bool == true ? " (as before its restart)" : ""
            return "connected to presenced \(obj["version"] as? String ?? "?"): room \(occupied ? "OCCUPIED" : "vacant")\(restored), confidence \(fmt(state["confidence"])); sensors: \(sensors.isEmpty ? "none" : sensors)"
        case "occupancy":
            let occupied = obj["occupied"] as? Bool ?? false
            let sources = (obj["sources"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key) \(fmt($0.value))" }.joined(separator: ", ")
            return "\(clock(obj["time"]))  #\(obj["seq"] ?? "?")  room \(occupied ? "OCCUPIED" : "vacant  ")  confidence \(fmt(obj["confidence"]))  (\(sources))"
        case "sensor":
            let reason = (obj["reason"] as? String).map { " — \($0)" } ?? ""
            return "\(clock(obj["time"]))  #\(obj["seq"] ?? "?")  sensor \(obj["sensor"] ?? "?") is \(obj["status"] ?? "?")\(reason)"
        default:
            return nil
        }
    }

    static func fmt(_ v: Any?) -> String {
        guard let d = (v as? NSNumber)?.doubleValue else { return "?" }
        return score(d)
    }

    /// A confidence or a sensor's score, as `watch` shows them everywhere: two decimals.
    static func score(_ d: Double) -> String { String(format: "%.2f", d) }

    /// `2026-11-23T06:00:00.123Z` → `06:00:00.123` (UTC, as sent).
    static func clock(_ v: Any?) -> String {
        guard let s = v as? String, let t = s.firstIndex(of: "T") else { return "?" }
        return String(s[s.index(after: t)...].dropLast())
    }
}
