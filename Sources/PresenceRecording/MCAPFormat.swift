/// Constants of the MCAP container format (mcap.dev/spec, version 0).
enum MCAP {
    static let magic: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]

    enum Opcode: UInt8 {
        case header = 0x01
        case footer = 0x02
        case schema = 0x03
        case channel = 0x04
        case message = 0x05
        case chunk = 0x06
        case messageIndex = 0x07
        case chunkIndex = 0x08
        case attachment = 0x09
        case attachmentIndex = 0x0A
        case statistics = 0x0B
        case metadata = 0x0C
        case metadataIndex = 0x0D
        case summaryOffset = 0x0E
        case dataEnd = 0x0F
    }

    /// The largest chunk (uncompressed) a reader accepts: far above what writers make (ours 1 MB, other
    /// tools a few MB), low enough that a damaged or hostile header cannot make it allocate gigabytes.
    static let maxChunkSize = 256 << 20

    /// opcode (1) + length (8) + summary_start (8) + summary_offset_start (8) + summary_crc (4)
    static let footerRecordLength = 1 + 8 + 20

    /// A record: opcode, uint64 content length, content.
    static func record(_ op: Opcode, _ content: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: content.count + 9)
        w.u8(op.rawValue)
        w.u64(UInt64(content.count))
        w.bytes.append(contentsOf: content)
        return w.bytes
    }
}

public enum MCAPCompression: String, Sendable {
    case none = ""
    case zstd
}

struct MCAPSchema: Equatable {
    var id: UInt16
    var name: String
    var encoding: String
    var data: [UInt8]

    func content() -> [UInt8] {
        var w = ByteWriter()
        w.u16(id)
        w.string(name)
        w.string(encoding)
        w.prefixedBytes(data)
        return w.bytes
    }

    static func parse(_ r: inout ByteReader) throws(RecordingError) -> MCAPSchema {
        MCAPSchema(id: try r.u16(), name: try r.string(), encoding: try r.string(), data: Array(try r.prefixedBytes()))
    }
}

struct MCAPChannel: Equatable {
    var id: UInt16
    var schemaID: UInt16
    var topic: String
    var messageEncoding: String
    var metadata: [String: String] = [:]

    func content() -> [UInt8] {
        var w = ByteWriter()
        w.u16(id)
        w.u16(schemaID)
        w.string(topic)
        w.string(messageEncoding)
        w.stringMap(metadata)
        return w.bytes
    }

    static func parse(_ r: inout ByteReader) throws(RecordingError) -> MCAPChannel {
        MCAPChannel(id: try r.u16(), schemaID: try r.u16(), topic: try r.string(), messageEncoding: try r.string(), metadata: try r.stringMap())
    }
}

/// What the summary's Chunk Index records say about one chunk.
struct MCAPChunkIndex: Equatable {
    var messageStartTime: UInt64
    var messageEndTime: UInt64
    var chunkStartOffset: UInt64
    var chunkLength: UInt64
    var messageIndexOffsets: [UInt16: UInt64]
    var messageIndexLength: UInt64
    var compression: String
    var compressedSize: UInt64
    var uncompressedSize: UInt64

    func content() -> [UInt8] {
        var w = ByteWriter()
        w.u64(messageStartTime)
        w.u64(messageEndTime)
        w.u64(chunkStartOffset)
        w.u64(chunkLength)
        w.idMap(messageIndexOffsets)
        w.u64(messageIndexLength)
        w.string(compression)
        w.u64(compressedSize)
        w.u64(uncompressedSize)
        return w.bytes
    }

    static func parse(_ r: inout ByteReader) throws(RecordingError) -> MCAPChunkIndex {
        let start = try r.u64(), end = try r.u64(), offset = try r.u64(), length = try r.u64()
        var offsets: [UInt16: UInt64] = [:]
        var inner = ByteReader(Array(try r.prefixedBytes()))
        while !inner.isAtEnd { offsets[try inner.u16()] = try inner.u64() }
        return MCAPChunkIndex(messageStartTime: start, messageEndTime: end, chunkStartOffset: offset, chunkLength: length,
                              messageIndexOffsets: offsets, messageIndexLength: try r.u64(), compression: try r.string(),
                              compressedSize: try r.u64(), uncompressedSize: try r.u64())
    }
}
