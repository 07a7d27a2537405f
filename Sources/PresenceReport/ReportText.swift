/// Text for people, in the HTML report and the terminal table: numbers in words a non-engineer reads, and HTML escaping.
enum ReportText {
    static func escape(_ s: String) -> String {
        var o = ""
        o.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(c)
            }
        }
        return o
    }

    /// `0.973` → "97.3 %"; nil → "–".
    static func percent(_ v: Double?) -> String {
        guard let v else { return "–" }
        return fixed(100 * v, 1) + " %"
    }

    /// A ratio 0...1 with 3 decimals; nil → "–".
    static func ratio(_ v: Double?) -> String { v.map { fixed($0, 3) } ?? "–" }

    /// Seconds with one decimal: "0.4 s"; nil → "–".
    static func seconds(_ v: Double?) -> String { v.map { fixed($0, 1) + " s" } ?? "–" }

    /// A length of time in words: "45 s", "2 min 30 s", "1 h 5 min".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60) min" : "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }

    /// `v` with `decimals` digits after the point, rounded half away from zero; no exponent.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = Int64((abs(v) * scale).rounded())
        let whole = n / Int64(scale), frac = n % Int64(scale)
        var f = String(frac)
        while f.count < decimals { f = "0" + f }
        let sign = v < 0 && n != 0 ? "-" : ""
        return decimals == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(f)"
    }

    /// "1 false alarm", "3 false alarms".
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }
}
