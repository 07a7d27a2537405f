/// A tiny, allocation-light JSON object writer. Events are written by hand
/// rather than through a Codable encoder so that key order and number
/// formatting are fixed: golden files compare bytes.
public struct JSONObjectWriter {
    private var out = "{"
    private var first = true

    public init() {}

    public mutating func raw(_ key: String, _ json: String) {
        if !first { out += "," }
        first = false
        out += JSONObjectWriter.quote(key)
        out += ":"
        out += json
    }

    public mutating func string(_ key: String, _ value: String) {
        raw(key, JSONObjectWriter.quote(value))
    }

    /// Numbers are rounded to 3 decimals: enough for a probability, and stable text.
    public mutating func number(_ key: String, _ value: Double) {
        raw(key, JSONObjectWriter.format(value))
    }

    public consuming func finish() -> String { out + "}" }

    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let r = (value * 1000).rounded() / 1000
        if r == r.rounded(), abs(r) < 1e15 { return String(Int64(r)) }
        return String(r)
    }

    public static func quote(_ s: String) -> String {
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                o += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: o.unicodeScalars.append(u)
            }
        }
        return o + "\""
    }
}
