import PresenceCore

/// Writes samples, labels and events as a presenced recording: the topics,
/// encodings and schemas of DESIGN.md §3, in MCAP. Channels are created on first
/// use, so a file holds only the topics it has data for.
public final class RecordingWriter {
    private let mcap: MCAPWriter
    private var channels: [String: UInt16] = [:]
    private var schemas: [String: UInt16] = [:]

    /// `durable`: fsync every chunk, for live recordings that must survive a power loss.
    public init(path: String, metadata: [String: String], compression: MCAPCompression = .zstd, durable: Bool = false) throws {
        var options = MCAPWriter.Options()
        options.compression = compression
        options.syncEachChunk = durable
        mcap = try MCAPWriter(path: path, options: options)
        try mcap.addMetadata(name: "presenced", metadata)
    }

    /// Puts everything written so far on disk as a complete chunk (a live recorder calls this every second).
    public func flush() throws {
        try mcap.flush()
    }

    public func write(_ sample: Sample) throws {
        let t = sample.t
        switch sample.payload {
        case .video(let frame):
            try put(RecordingTopic.camera, t, MessageCodecs.encodeImage(frame, t: t))
        case .audio(let chunk):
            try put(RecordingTopic.audio, t, MessageCodecs.encodeAudio(chunk, t: t))
        case .serial(let chunk):
            try put(RecordingTopic.radar(chunk.model), t, MessageCodecs.encodeSerial(chunk, t: t))
        }
    }

    public func writeLabel(t: Int64, occupied: Bool, count: Int? = nil, condition: String? = nil) throws {
        try put(RecordingTopic.labels, t, Self.labelJSON(OccupancyLabel(occupied: occupied, count: count, condition: condition)))
    }

    /// A `/labels/occupancy` message body (DESIGN.md §3).
    static func labelJSON(_ label: OccupancyLabel) -> [UInt8] {
        var json = JSONObjectWriter()
        json.raw("occupied", label.occupied ? "true" : "false")
        if let count = label.count { json.raw("count", String(count)) }
        if let condition = label.condition { json.string("condition", condition) }
        return Array(json.finish().utf8)
    }

    public func writeEvent(t: Int64, json: String) throws {
        try put(RecordingTopic.events, t, Array(json.utf8))
    }

    public func finish() throws {
        try mcap.finish()
    }

    private func put(_ topic: String, _ t: Int64, _ data: [UInt8]) throws {
        let channel = try channels[topic] ?? makeChannel(topic)
        try mcap.write(channel: channel, logTime: UInt64(max(0, t)), publishTime: UInt64(max(0, t)), data: data)
    }

    private func makeChannel(_ topic: String) throws -> UInt16 {
        let (name, encoding, data, messageEncoding): (String, String, [UInt8], String) = switch topic {
        case RecordingTopic.camera: ("foxglove.RawImage", "protobuf", RecordingTopic.descriptor(SchemaDescriptors.rawImage), "protobuf")
        case RecordingTopic.audio: ("foxglove.RawAudio", "protobuf", RecordingTopic.descriptor(SchemaDescriptors.rawAudio), "protobuf")
        case RecordingTopic.labels: ("presence.OccupancyLabel", "jsonschema", Array(RecordingTopic.labelSchema.utf8), "json")
        case RecordingTopic.events: ("presence.Event", "jsonschema", Array(RecordingTopic.eventSchema.utf8), "json")
        default: ("presence.SerialChunk", "protobuf", RecordingTopic.descriptor(SchemaDescriptors.serialChunk), "protobuf")
        }
        let schema = try schemas[name] ?? mcap.addSchema(name: name, encoding: encoding, data: data)
        schemas[name] = schema
        let channel = try mcap.addChannel(topic: topic, messageEncoding: messageEncoding, schemaID: schema)
        channels[topic] = channel
        return channel
    }
}
