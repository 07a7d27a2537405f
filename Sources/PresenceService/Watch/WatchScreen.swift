import Foundation
import PresenceCore

/// What `presenced watch` shows on a terminal: the room's state, the confidence and sources of the last
/// change, each sensor's status, and the last events, redrawn whole on every line from the socket and
/// every second. A pure value: `apply` takes protocol lines, `render` makes the frame.
public struct WatchScreen: Sendable {
    public var socketPath: String
    public var connected = false
    public var version: String?
    public var occupied: Bool?
    public var confidence: Double?
    /// Where `confidence` comes from: the tick before this client connected (hello), or the last change.
    public var confidenceWhen = ""
    public var sources: [(String, Double)] = []
    /// `time` of the last change as sent (RFC 3339), and when this screen saw it (nil: it came with hello).
    public var since: String?
    public var sinceSeen: Date?
    public var sensors: [String: (status: String, reason: String?)] = [:]
    public var events: [String] = []
    public var reconnects = 0
    public static let eventsKept = 8

    public init(socketPath: String) { self.socketPath = socketPath }

    public mutating func apply(line: String) {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            remember("(unreadable line) \(line.prefix(80))")
            return
        }
        switch obj["type"] as? String {
        case "hello":
            let state = obj["state"] as? [String: Any] ?? [:]
            version = obj["version"] as? String
            occupied = state["occupied"] as? Bool
            confidence = (state["confidence"] as? NSNumber)?.doubleValue
            confidenceWhen = "when connected"
            sources = []
            // 0: nothing decided yet.
            since = (state["since"] as? NSNumber).flatMap { $0.int64Value > 0 ? Nanos.rfc3339($0.int64Value) : nil }
            sinceSeen = nil
            sensors = (state["sensors"] as? [String: String] ?? [:]).mapValues { ($0, nil) }
        case "occupancy":
            occupied = obj["occupied"] as? Bool
            confidence = (obj["confidence"] as? NSNumber)?.doubleValue
            confidenceWhen = "at the last change"
            sources = (obj["sources"] as? [String: Any] ?? [:]).compactMap { k, v in (v as? NSNumber).map { (k, $0.doubleValue) } }
                .sorted { $0.0 < $1.0 }
            since = obj["time"] as? String
            sinceSeen = Date()
        case "sensor":
            if let name = obj["sensor"] as? String, let status = obj["status"] as? String {
                sensors[name] = (status, obj["reason"] as? String)
            }
        default:
            break
        }
        if let text = WatchFormatter.describe(line: line), obj["type"] as? String != "hello" { remember(text) }
    }

    public mutating func connectionChanged(_ up: Bool) {
        if connected, !up { reconnects += 1 }
        connected = up
        if !up { remember("\(Self.clock(Date()))  connection closed; reconnecting …") }
    }

    private mutating func remember(_ text: String) {
        events.append(text)
        if events.count > Self.eventsKept { events.removeFirst(events.count - Self.eventsKept) }
    }

    /// The frame: lines without escapes but for colour (`color` false: none at all).
    public func render(now: Date = Date(), color: Bool) -> [String] {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out: [String] = []
        let link = connected ? "connected to presenced \(version ?? "?")"
            : paint("waiting for presenced" + (reconnects > 0 ? " (reconnecting)" : ""), "33")
        out.append(paint("presenced watch", "1") + "  \(socketPath)  \(link)")
        out.append("")
        let room = switch occupied {
        case true?: paint(" OCCUPIED ", "1;30;42")
        case false?: paint(" vacant ", "1;37;44")
        case nil: "unknown"
        }
        var sinceText = since.map { "since \(Self.shortTime($0))" } ?? ""
        if let seen = sinceSeen { sinceText += " (\(Self.duration(now.timeIntervalSince(seen))) ago)" }
        out.append("  room        \(room)  \(sinceText)")
        let conf = confidence.map(WatchFormatter.score) ?? "?"
        let src = sources.isEmpty ? "" : "   sources " + sources.map { "\($0.0) \(WatchFormatter.score($0.1))" }.joined(separator: "  ")
        out.append("  confidence  \(conf) \(confidenceWhen)\(src)")
        let sensorText = sensors.keys.sorted().map { name -> String in
            let s = sensors[name]!
            let code = s.status == "ok" ? "32" : s.status == "degraded" ? "33" : "1;31"
            return "\(name) " + paint(s.status, code) + (s.reason.map { " (\($0))" } ?? "")
        }
        out.append("  sensors     " + (sensorText.isEmpty ? "none" : sensorText.joined(separator: "   ")))
        out.append("")
        out.append(paint("  last events", "1"))
        out += events.isEmpty ? ["  (none yet)"] : events.reversed().map { "  " + $0 }
        out.append("")
        out.append(paint("  Ctrl-C quits", "2"))
        return out.map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    /// `2026-11-23T06:00:08.400Z` → `2026-11-23 06:00:08 UTC`.
    static func shortTime(_ rfc3339: String) -> String {
        guard rfc3339.count >= 19 else { return rfc3339 }
        return rfc3339.prefix(10) + " " + rfc3339.dropFirst(11).prefix(8) + " UTC"
    }

    static func clock(_ date: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        return f.string(from: date)
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        return "\(s / 3600)h \(s / 60 % 60)m"
    }
}
