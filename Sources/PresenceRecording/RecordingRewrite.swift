import Foundation
import PresenceCore

/// Rewrites a recording whole: every schema, channel, metadata record and
/// message (unknown topics too), in log-time order, into a fresh file with
/// chunk indexes and a summary, which then replaces the original atomically.
/// `repair` completes a file cut short (kill -9, power loss, full disk);
/// `setLabel` adds or corrects a `/labels/occupancy` label.
public enum RecordingRewrite {
    public struct Report: Sendable {
        /// Messages in the new file.
        public var messages: Int
        /// What could not be read and is not in the new file, in words; nil when nothing was lost.
        public var damage: String?
        /// The file was already complete and undamaged (repair then leaves it alone).
        public var wasIntact: Bool
    }

    /// Where a label goes: an offset from the recording's first message, or an absolute log_time.
    public enum Position: Sendable, Equatable {
        case offset(Int64)
        case logTime(Int64)
    }

    /// Rewrites `path` (or writes `output`) with every readable message; a file that reads cleanly is left as it is.
    public static func repair(path: String, output: String? = nil) throws -> Report {
        if output == nil, let messages = try? messagesIfIntact(path) { return Report(messages: messages, damage: nil, wasIntact: true) }
        return try rewrite(path, to: output ?? path, lenient: true)
    }

    /// Adds `label` at `position`, replacing a label at exactly that time; returns the report and the label's log_time.
    public static func setLabel(path: String, at position: Position, label: OccupancyLabel, output: String? = nil) throws -> (Report, Int64) {
        let t: Int64
        switch position {
        case .logTime(let v): t = v
        case .offset(let d):
            let reader = try MCAPReader(path: path, lenient: false)
            guard let first = try reader.next() else {
                throw RecordingError.inFile(path, .corrupt("the recording has no messages: give --at as an absolute log_time"))
            }
            t = Int64(clamping: first.logTime) + d
        }
        guard t >= 0 else { throw RecordingError.inFile(path, .corrupt("a label cannot go before time 0")) }
        let report = try rewrite(path, to: output ?? path, lenient: false, label: (UInt64(t), RecordingWriter.labelJSON(label)))
        return (report, t)
    }

    // MARK: The copy

    private static func rewrite(_ path: String, to output: String, lenient: Bool, label: (t: UInt64, json: [UInt8])? = nil) throws -> Report {
        let reader: MCAPReader
        do {
            reader = try MCAPReader(path: path, lenient: lenient)
        } catch {
            throw RecordingError.inFile(path, error)
        }
        let part = output + ".part"
        var count = 0
        do throws(RecordingError) {
            let writer = try MCAPWriter(path: part)
            for (name, values) in reader.metadata.sorted(by: { $0.key < $1.key }) {
                try writer.addMetadata(name: name, values)
            }
            var schemaIDs: [UInt16: UInt16] = [:]
            var channelIDs: [UInt16: UInt16] = [:]
            func channel(_ id: UInt16) throws(RecordingError) -> UInt16 {
                if let c = channelIDs[id] { return c }
                guard let c = reader.channels[id] else { throw .corrupt("message on undeclared channel \(id)") }
                var schema: UInt16 = 0
                if c.schemaID != 0, let s = reader.schemas[c.schemaID] {
                    if let known = schemaIDs[c.schemaID] {
                        schema = known
                    } else {
                        schema = try writer.addSchema(name: s.name, encoding: s.encoding, data: s.data)
                        schemaIDs[c.schemaID] = schema
                    }
                }
                let new = try writer.addChannel(topic: c.topic, messageEncoding: c.messageEncoding, schemaID: schema, metadata: c.metadata)
                channelIDs[id] = new
                return new
            }
            // Every declared channel, in id order, so that topics without messages survive too.
            for id in reader.channels.keys.sorted() { _ = try channel(id) }
            var labelChannel: UInt16?
            func labels() throws(RecordingError) -> UInt16 {
                if let l = labelChannel { return l }
                let l: UInt16
                if let existing = reader.channels.values.first(where: { $0.topic == RecordingTopic.labels && $0.messageEncoding == "json" }) {
                    l = try channel(existing.id)
                } else {
                    let schema = try writer.addSchema(name: "presence.OccupancyLabel", encoding: "jsonschema", data: Array(RecordingTopic.labelSchema.utf8))
                    l = try writer.addChannel(topic: RecordingTopic.labels, messageEncoding: "json", schemaID: schema)
                }
                labelChannel = l
                return l
            }
            var pendingLabel = label
            while let m = try reader.next() {
                if let l = pendingLabel, l.t <= m.logTime {
                    try writer.write(channel: labels(), logTime: l.t, publishTime: l.t, data: l.json)
                    count += 1
                    pendingLabel = nil
                }
                // The new label replaces one at exactly its time.
                if let l = label, m.logTime == l.t, reader.channels[m.channel]?.topic == RecordingTopic.labels { continue }
                try writer.write(channel: channel(m.channel), logTime: m.logTime, publishTime: m.publishTime, data: Array(m.data))
                count += 1
            }
            if let l = pendingLabel {
                try writer.write(channel: labels(), logTime: l.t, publishTime: l.t, data: l.json)
                count += 1
            }
            try writer.finish()
        } catch {
            try? FileManager.default.removeItem(atPath: part)
            // Write errors already name the file written; read errors are about the source.
            if case .io = error { throw error }
            throw RecordingError.inFile(path, error)
        }
        guard rename(part, output) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: part)
            throw RecordingError.inFile(output, .io("cannot replace the file: \(reason)"))
        }
        return Report(messages: count, damage: reader.damage.summary, wasIntact: false)
    }

    /// The number of messages when the summary is there and every message reads without error, else nil.
    private static func messagesIfIntact(_ path: String) throws -> Int? {
        let reader = try MCAPReader(path: path, lenient: false)
        guard reader.hasSummary else { return nil }
        var n = 0
        while try reader.next() != nil { n += 1 }
        return n
    }
}
