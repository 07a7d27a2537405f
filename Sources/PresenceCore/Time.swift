/// Sample-time helpers. All times in presenced are Int64 nanoseconds since the
/// Unix epoch (DESIGN.md §1); durations are Int64 nanoseconds too.
public enum Nanos {
    public static let perMillisecond: Int64 = 1_000_000
    public static let perSecond: Int64 = 1_000_000_000

    public static func seconds(_ s: Double) -> Int64 { Int64((s * 1e9).rounded()) }
    public static func toSeconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }

    /// RFC 3339 UTC with millisecond precision, e.g. `2026-11-23T06:00:00.123Z`.
    /// Written by hand so Core needs no Foundation and output is identical everywhere.
    public static func rfc3339(_ ns: Int64) -> String {
        let secs = floorDiv(ns, perSecond)
        let millis = (ns - secs * perSecond) / perMillisecond
        let days = floorDiv(secs, 86_400)
        let secOfDay = secs - days * 86_400
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secOfDay / 3600, 2)):\(pad(secOfDay / 60 % 60, 2)):\(pad(secOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civilDate(daysSinceEpoch z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
