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
/// the wrong schema or encoding is bad input, not something to guess about.
public final class RecordingReader {
    private let mcap: MCAPReader
    public let path: String
    private var checkedChannels: [UInt16: Kind] = [:]

    private enum Kind {
        case camera, audio, radar(RadarModel), labels, events, skip
    }

    public init(path: String, lenient: Bool = false) throws {
        self.path = path
        do {
            mcap = try MCAPReader(path: path, lenient: lenient)
        } catch {
            throw RecordingError.inFile(path, error)
        }
    }

    /// Metadata records by name (`presenced` holds the scene facts).
    public var metadata: [String: [String: String]] { mcap.metadata }

    /// Topics of the channels declared so far (all of them, for a file with a summary or after the open-time scan).
    public var topics: Set<String> { Set(mcap.channels.values.map(\.topic)) }

    /// Damage that `lenient` skipped, if any.
    public var skippedDamage: String? { mcap.skippedDamage }

    public func next() throws -> RecordingMessage? {
        do {
            while let m = try mcap.next() {
                let t = Int64(clamping: m.logTime)
                switch try kind(of: m.channel) {
                case .skip: continue
                case .camera: return RecordingMessage(logTime: t, content: .sample(Sample(t: t, payload: .video(try MessageCodecs.decodeImage(m.data)))))
                case .audio: return RecordingMessage(logTime: t, content: .sample(Sample(t: t, payload: .audio(try MessageCodecs.decodeAudio(m.data)))))
                case .radar(let model):
                    return RecordingMessage(logTime: t, content: .sample(Sample(t: t, payload: .serial(try MessageCodecs.decodeSerial(m.data, model: model)))))
                case .labels: return RecordingMessage(logTime: t, content: .label(try Self.label(m.data)))
                case .events: return RecordingMessage(logTime: t, content: .event(String(decoding: m.data, as: UTF8.self)))
                }
            }
            return nil
        } catch {
            throw RecordingError.inFile(path, error)
        }
    }

    private func kind(of channelID: UInt16) throws(RecordingError) -> Kind {
        if let k = checkedChannels[channelID] { return k }
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
        checkedChannels[channelID] = k
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
