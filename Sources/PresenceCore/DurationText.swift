/// Durations in configuration and on the command line: a number and a unit,
/// `ms`, `s`, `m` or `h` ("300ms", "30s", "1.5m"). A bare number is refused so
/// that "30" cannot silently mean milliseconds to one reader and seconds to another.
public enum DurationText {
    public static func parse(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        let trimmed = text.trimmingWhitespace()
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" also ends in "s": only accept what parses as a number.
            guard let v = Double(number), v.isFinite, v >= 0, v * scale < Double(Int64.max) else { continue }
            return Int64((v * scale).rounded())
        }
        return nil
    }

    public static func format(_ ns: Int64) -> String {
        if ns % Nanos.perSecond == 0 { return "\(ns / Nanos.perSecond)s" }
        return "\(ns / Nanos.perMillisecond)ms"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
