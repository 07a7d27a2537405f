import Foundation
import PresenceCore

public struct OccupancyLabel: Sendable, Equatable {
    public var occupied: Bool
    public var count: Int?
    public var condition: String?

    public init(occupied: Bool, count: Int? = nil, condition: String? = nil) {
        self.occupied = occupied
        self.count = count
        self.condition = condition
    }
}

public struct RecordingMessage: Sendable {
    public enum Content: Sendable {
        case sample(Sample)
        case label(OccupancyLabel)
        /// An event a live daemon published (its JSON object).
        case event(String)
    }

    public var logTime: Int64
    public var content: Content
}

/// Reads a presenced recording (DESIGN.md §3) in log-time order: sensor
/// messages become samples (images converted to luma, stereo mixed down),
/// labels and events are parsed, unknown topics are skipped. A known topic with
/// the wrong schema or encoding, a message that does not decode, or time that
/// goes backwards is bad input, not something to guess about; `lenient` skips
/// such parts instead (and says so in `skippedDamage`).
public final class RecordingReader {
    private let mcap: MCAPReader
    public let path: String
    private var checkedChannels: [UInt16: Kind] = [:]
    /// Log time of the last message returned: time must not go backwards.
    private var lastLogTime: UInt64 = 0
    /// Decoded samples go into arrays reused round-robin (RecycledBuffers): a replay in steady state
    /// allocates nothing per sample. Four slots: the pipeline keeps the last frame for a frame difference.
    private var lumaBuffers = RecycledBuffers<UInt8>(slots: 4, zero: 0)
    private var audioBuffers = RecycledBuffers<Int16>(slots: 4, zero: 0)
    private var serialBuffers = RecycledBuffers<UInt8>(slots: 4, zero: 0)

    private enum Kind {
        case camera, audio, radar(RadarModel), labels, events, skip
    }

    public convenience init(path: String, lenient: Bool = false) throws {
        let file: RandomAccessFile
        do {
            file = try RandomAccessFile(path: path)
        } catch {
            throw RecordingError.inFile(path, error)
        }
        try self.init(file: file, lenient: lenient)
    }

    /// A recording held in memory; `name` stands for its path in messages.
    public convenience init(bytes: [UInt8], name: String = "recording", lenient: Bool = false) throws {
        try self.init(file: RandomAccessFile(bytes: bytes, name: name), lenient: lenient)
    }

    private init(file: RandomAccessFile, lenient: Bool) throws {
        path = file.path
        do {
            mcap = try MCAPReader(file: file, lenient: lenient)
        } catch {
            throw RecordingError.inFile(path, error)
        }
    }

    /// Metadata records by name (`presenced` holds the scene facts).
    public var metadata: [String: [String: String]] { mcap.metadata }

    /// Topics of the channels declared so far (all of them, for a file with a summary or after the open-time scan).
    public var topics: Set<String> { Set(mcap.channels.values.map(\.topic)) }

    /// Damage that `lenient` skipped, if any, in words.
    public var skippedDamage: String? { mcap.damage.summary }

    public func next() throws -> RecordingMessage? {
        do throws(RecordingError) {
            while let m = try mcap.next() {
                do {
                    if let message = try decode(m) { return message }
                } catch {
                    guard mcap.lenient else { throw error.appending("; with --lenient such messages are skipped") }
                    mcap.damage.note("\(error)")
                }
            }
            return nil
        } catch {
            throw RecordingError.inFile(path, error)
        }
    }

    /// One stored message as a recording message; nil for a topic that is skipped.
    private func decode(_ m: MCAPMessage) throws(RecordingError) -> RecordingMessage? {
        let kind = try kind(of: m.channel)
        if case .skip = kind { return nil }
        guard m.logTime >= lastLogTime else {
            throw .corrupt("time goes backwards: a \(topic(m.channel)) message at log_time \(m.logTime) ns comes after one at \(lastLogTime) ns (the chunk index disagrees with the chunk's messages)")
        }
        lastLogTime = m.logTime
        let t = Int64(clamping: m.logTime)
        let content: RecordingMessage.Content = switch kind {
        case .skip: preconditionFailure("skipped above")
        case .camera: .sample(Sample(t: t, payload: .video(try MessageCodecs.decodeImage(m.data, into: &lumaBuffers))))
        case .audio: .sample(Sample(t: t, payload: .audio(try MessageCodecs.decodeAudio(m.data, into: &audioBuffers))))
        case .radar(let model): .sample(Sample(t: t, payload: .serial(try MessageCodecs.decodeSerial(m.data, model: model, into: &serialBuffers))))
        case .labels: .label(try Self.label(m.data))
        case .events: .event(String(decoding: m.data, as: UTF8.self))
        }
        return RecordingMessage(logTime: t, content: content)
    }

    private func topic(_ channelID: UInt16) -> String { mcap.channels[channelID]?.topic ?? "channel \(channelID)" }

    private func kind(of channelID: UInt16) throws(RecordingError) -> Kind {
        if let k = checkedChannels[channelID] { return k }
        do {
            let k = try checkKind(of: channelID)
            checkedChannels[channelID] = k
            return k
        } catch where mcap.lenient {
            // A topic that cannot be read is skipped whole, and said once.
            checkedChannels[channelID] = .skip
            throw error
        }
    }

    /// The channel's kind, after checking its schema and encoding against DESIGN.md §3.
    private func checkKind(of channelID: UInt16) throws(RecordingError) -> Kind {
        guard let channel = mcap.channels[channelID] else { throw .corrupt("message on undeclared channel \(channelID)") }
        let topic = channel.topic
        let k: Kind
        switch topic {
        case RecordingTopic.camera: k = .camera
        case RecordingTopic.audio: k = .audio
        case RecordingTopic.radar(.ld2410): k = .radar(.ld2410)
        case RecordingTopic.radar(.ld2450): k = .radar(.ld2450)
        case RecordingTopic.labels: k = .labels
        case RecordingTopic.events: k = .events
        default: k = .skip
        }
        if let expected = RecordingTopic.schemaName(forTopic: topic) {
            let schema = mcap.schemas[channel.schemaID]
            guard channel.messageEncoding == "protobuf", schema?.name == expected else {
                throw .badMessage(topic: topic, "expected protobuf \(expected), found \(channel.messageEncoding) \(schema?.name ?? "without a schema")")
            }
        } else if case .labels = k, channel.messageEncoding != "json" {
            throw .badMessage(topic: topic, "expected json, found \(channel.messageEncoding)")
        }
        return k
    }

    static func label(_ data: ArraySlice<UInt8>) throws(RecordingError) -> OccupancyLabel {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
              let occupied = obj["occupied"] as? Bool, isJSONBoolean(obj["occupied"]) else {
            throw .badMessage(topic: RecordingTopic.labels, "expected {\"occupied\": bool, ...}, got \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return OccupancyLabel(occupied: occupied, count: (obj["count"] as? NSNumber)?.intValue, condition: obj["condition"] as? String)
    }
}

/// JSONSerialization turns `1` into something `as? Bool` accepts; insist on a real boolean.
private func isJSONBoolean(_ v: Any?) -> Bool {
    guard let n = v as? NSNumber else { return false }
    return String(cString: n.objCType) == "c" || type(of: n) == type(of: NSNumber(value: true))
}
