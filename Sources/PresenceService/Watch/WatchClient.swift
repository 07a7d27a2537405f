import Foundation
import Glibc
import PresenceCore

/// `presenced watch`: follows the event socket and prints what happens in
/// words, reconnecting (every second) when the daemon restarts.
public enum WatchClient {
    public static func run(socketPath: String, output: (String) -> Void, shouldStop: () -> Bool = { false }) {
        var announcedWaiting = false
        while !shouldStop() {
            guard let fd = connect(to: socketPath) else {
                if !announcedWaiting { output("waiting for presenced at \(socketPath) …") }
                announcedWaiting = true
                sleep(1)
                continue
            }
            announcedWaiting = false
            readLines(fd: fd) { line in
                if let text = WatchFormatter.describe(line: line) { output(text) }
            }
            close(fd)
            output("connection closed; reconnecting …")
        }
    }

    static func connect(to path: String) -> Int32? {
        let fd = socket(AF_UNIX, Int32(Glibc.SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            return nil
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if ok != 0 {
            close(fd)
            return nil
        }
        return fd
    }

    static func readLines(fd: Int32, _ handle: (String) -> Void) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            pending += chunk[0..<n]
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                handle(String(decoding: pending[..<nl], as: UTF8.self))
                pending.removeSubrange(...nl)
            }
        }
    }
}

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
            return "connected to presenced \(obj["version"] as? String ?? "?"): room \(occupied ? "OCCUPIED" : "vacant"), confidence \(fmt(state["confidence"])); sensors: \(sensors.isEmpty ? "none" : sensors)"
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
        return String(format: "%.2f", d)
    }

    /// `2026-11-23T06:00:00.123Z` → `06:00:00.123` (UTC, as sent).
    static func clock(_ v: Any?) -> String {
        guard let s = v as? String, let t = s.firstIndex(of: "T") else { return "?" }
        return String(s[s.index(after: t)...].dropLast())
    }
}
