import Foundation
import PresenceCore
import TOMLKit

/// Typed access to one `[section]` of a config file, producing errors that name
/// the file, the dotted key and what was expected.
struct TableReader {
    let file: String
    let section: String
    let table: TOMLTable
    let baseDir: String

    func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, key: "\(section).\(key)", message: message)
    }

    func allowOnly(_ known: [String]) throws(ConfigError) {
        for key in table.keys.sorted() where !known.contains(key) {
            throw ConfigError(file: file, key: "\(section).\(key)", message: "unknown key; [\(section)] accepts \(known.joined(separator: ", "))")
        }
    }

    private func value(_ key: String, expected: String, _ accepts: (TOMLValueConvertible) -> Bool) throws(ConfigError) -> TOMLValueConvertible? {
        guard let v = table[key] else { return nil }
        guard accepts(v) else { throw error(key, "expected \(expected), got \(describe(v))") }
        return v
    }

    private func describe(_ v: TOMLValueConvertible) -> String {
        switch v.type {
        case .string: "the string \"\(v.string ?? "")\""
        case .int: "the integer \(v.int ?? 0)"
        case .double: "the number \(v.double ?? 0)"
        case .bool: "the boolean \(v.bool ?? false)"
        case .table: "a table"
        case .array: "an array"
        default: "a \(v.type) value"
        }
    }

    func string(_ key: String, nonEmpty: Bool = false) throws(ConfigError) -> String? {
        guard let s = try value(key, expected: "a string", { $0.type == .string })?.string else { return nil }
        if nonEmpty, s.isEmpty { throw error(key, "expected a non-empty string") }
        return s
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        try value(key, expected: "true or false", { $0.type == .bool })?.bool
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = try value(key, expected: "an integer", { $0.type == .int })?.int else { return nil }
        guard range.contains(v) else { throw error(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(v)") }
        return v
    }

    /// Integers are accepted where a number is expected: `speed = 1` means 1.0.
    func double(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let raw = try value(key, expected: "a number", { $0.type == .double || $0.type == .int }) else { return nil }
        let v = raw.double ?? Double(raw.int ?? 0)
        guard v.isFinite, range.contains(v) else { throw error(key, "expected a number from \(range.lowerBound) to \(range.upperBound), got \(v)") }
        return v
    }

    func duration(_ key: String, max: Int64) throws(ConfigError) -> Int64? {
        guard let s = try value(key, expected: "a duration string such as \"300ms\" or \"30s\"", { $0.type == .string })?.string else { return nil }
        guard let ns = DurationText.parse(s) else {
            throw error(key, "expected a duration with a unit (ms, s, m, h) such as \"300ms\" or \"30s\", got \"\(s)\"")
        }
        guard ns <= max else { throw error(key, "expected at most \(DurationText.format(max)), got \"\(s)\"") }
        return ns
    }

    /// A path; relative ones are resolved against the config file's directory (DESIGN.md §6).
    func path(_ key: String) throws(ConfigError) -> String? {
        guard let p = try string(key) else { return nil }
        if p.isEmpty || p.hasPrefix("/") { return p }
        let joined = baseDir.isEmpty ? p : baseDir + "/" + p
        return (joined as NSString).standardizingPath
    }
}
