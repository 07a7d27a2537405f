import CSystemd
import Glibc
import Logging

/// swift-log into the systemd journal with its native protocol (sd_journal_sendv), so each entry
/// keeps its priority and its metadata as fields: `journalctl -u presenced SENSOR=radar`,
/// `journalctl -p warning`. Used only when stderr *is* the journal (JOURNAL_STREAM names stderr's
/// device and inode, as systemd.exec(5) describes); a redirected stderr keeps plain lines.
struct JournalLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let fields = JournalFields.entry(level: event.level, message: "\(event.message)", metadata: all,
                                         file: event.file, function: event.function, line: event.line)
        if !JournalFields.send(fields) {
            // The journal went away (stopped, or its socket is gone): stderr is still the stream.
            let line = Array("\(fields[0].dropFirst("MESSAGE=".count))\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }

    /// True when JOURNAL_STREAM="<dev>:<inode>" is stderr's own device and inode.
    static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(STDERR_FILENO, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }
}

/// The journal entry of one log call, as "FIELD=value" strings (pure, so tests can read it).
enum JournalFields {
    /// syslog(3) priorities: journalctl -p takes these.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Field names the journal or its readers give a meaning of their own: metadata keys that
    /// would land on one get a PRESENCED_ prefix instead of overwriting it.
    private static let reserved: Set<String> = [
        "MESSAGE", "MESSAGE_ID", "PRIORITY", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ERRNO",
        "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "SYSLOG_PID", "SYSLOG_TIMESTAMP", "SYSLOG_RAW",
        "INVOCATION_ID", "USER_INVOCATION_ID", "DOCUMENTATION", "TID", "UNIT", "USER_UNIT",
        "COREDUMP_UNIT", "COREDUMP_USER_UNIT", "OBJECT_PID",
    ]

    static func entry(level: Logger.Level, message: String, metadata: Logger.Metadata,
                      file: String, function: String, line: UInt) -> [String] {
        let keys = metadata.keys.sorted()
        // MESSAGE carries the metadata too: `journalctl -u presenced` shows only MESSAGE.
        let rendered = keys.map { "\($0)=\(metadata[$0]!)" }.joined(separator: " ")
        var fields = [  // MESSAGE first: the stderr fallback prints fields[0]
            "MESSAGE=\(rendered.isEmpty ? message : "\(message) \(rendered)")",
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=presenced",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
        ]
        for key in keys {
            fields.append("\(fieldName(key))=\(metadata[key]!)")
        }
        return fields
    }

    /// A metadata key as a journal field name: upper case letters, digits and underscores, not
    /// starting with an underscore or digit (those are the journal's trusted fields), at most 64.
    static func fieldName(_ key: String) -> String {
        var name = String(key.uppercased().unicodeScalars.map { s -> Character in
            (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") ? Character(s) : "_"
        })
        if name.first.map({ $0 == "_" || $0.isNumber }) ?? true || reserved.contains(name) {
            name = "PRESENCED_" + name
        }
        return String(name.prefix(64))
    }

    /// One datagram to the journal (values may hold newlines: sd_journal_sendv frames them).
    /// False when the journal did not take it.
    static func send(_ fields: [String]) -> Bool {
        // One buffer for all fields, so every iovec points into memory that lives for the call.
        var bytes: [UInt8] = []
        var spans: [Range<Int>] = []
        for field in fields {
            let start = bytes.count
            bytes.append(contentsOf: field.utf8)
            spans.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { raw in
            var vectors = spans.map { iovec(iov_base: raw.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            return sd_journal_sendv(&vectors, Int32(vectors.count)) == 0
        }
    }
}
