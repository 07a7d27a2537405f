import PresenceCore

/// One message as stored: its data is a slice of the (decompressed) chunk.
struct MCAPMessage {
    var channel: UInt16
    var logTime: UInt64
    var publishTime: UInt64
    var data: ArraySlice<UInt8>
}

/// Reads an MCAP file in log-time order. With a summary it finds the chunks
/// through their Chunk Index records; without one (a file written by a tool that
/// skips it, or cut short) it scans the records once at open. Either way chunks
/// are decompressed lazily, only when their start time comes up, so memory holds
/// just the chunks whose time ranges overlap.
final class MCAPReader {
    /// A chunk, or a message stored outside any chunk.
    private struct Unit {
        var start: UInt64
        var offset: UInt64
        var length: UInt64
        var isChunk: Bool
    }

    let file: RandomAccessFile
    let lenient: Bool
    private(set) var schemas: [UInt16: MCAPSchema] = [:]
    private(set) var channels: [UInt16: MCAPChannel] = [:]
    private(set) var metadata: [String: [String: String]] = [:]
    /// Problems skipped because of `lenient` (told to the user once, at the end).
    var damage = SkippedDamage()
    /// The file has a usable summary section (a complete file; one cut short is scanned instead).
    private(set) var hasSummary = false
    private var units: [Unit] = []
    private var nextUnit = 0
    private var pending = MessageHeap()
    private var order: UInt64 = 0
    /// Reused from chunk to chunk, so that a replay in steady state allocates nothing per chunk:
    /// the chunk record as read, the zstd context, and the decompressed records (pending messages
    /// are slices of those; a slot still held when its turn comes again is copied, not overwritten).
    private var compressedBuffer: [UInt8] = []
    private let zstd = ZstdDecoder()
    private var chunkBuffers = RecycledBuffers<UInt8>(slots: 4, zero: 0)

    convenience init(path: String, lenient: Bool) throws(RecordingError) {
        try self.init(file: RandomAccessFile(path: path), lenient: lenient)
    }

    init(file: RandomAccessFile, lenient: Bool) throws(RecordingError) {
        self.file = file
        self.lenient = lenient
        guard file.size >= 8, try file.read(at: 0, count: 8) == MCAP.magic else {
            throw .notMCAP("the file does not start with the MCAP magic bytes")
        }
        let summarised: Bool
        do {
            summarised = try readSummary()
        } catch {
            // A damaged summary does not make the data unreadable: scan the records instead.
            guard lenient else { throw error }
            damage.note("summary: \(error)")
            (schemas, channels, metadata, units) = ([:], [:], [:], [])
            summarised = false
        }
        hasSummary = summarised
        if !summarised { try scan() }
        units.sort { ($0.start, $0.offset) < ($1.start, $1.offset) }
    }

    func next() throws(RecordingError) -> MCAPMessage? {
        while nextUnit < units.count, pending.isEmpty || units[nextUnit].start <= pending.minLogTime! {
            let unit = units[nextUnit]
            nextUnit += 1
            do {
                try load(unit)
            } catch {
                guard lenient else { throw error.appending(Self.hint(at: unit.offset)) }
                damage.note("\(error) (record at offset \(unit.offset))")
            }
        }
        return pending.pop()?.message
    }

    // MARK: Summary

    /// Reads the footer and summary; false when the file has none usable (then scan).
    private func readSummary() throws(RecordingError) -> Bool {
        let footerAt = file.size >= UInt64(8 + MCAP.footerRecordLength + 8) ? file.size - 8 - UInt64(MCAP.footerRecordLength) : 0
        guard footerAt > 8, try file.read(at: file.size - 8, count: 8) == MCAP.magic else { return false }
        var footer = ByteReader(try file.read(at: footerAt, count: MCAP.footerRecordLength))
        guard try footer.u8() == MCAP.Opcode.footer.rawValue, try footer.u64() == 20 else { return false }
        let summaryStart = try footer.u64(), summaryOffsetStart = try footer.u64(), summaryCRC = try footer.u32()
        guard summaryStart != 0 else { return false }
        guard summaryStart >= 8, summaryStart <= footerAt else { throw .corrupt("footer points the summary outside the file") }
        let summaryBytes = try file.read(at: summaryStart, count: Int(footerAt - summaryStart))
        if summaryCRC != 0 {
            var crc = CRC32()
            crc.update(summaryBytes)
            crc.update(try file.read(at: footerAt, count: 1 + 8 + 16))
            guard crc.value == summaryCRC else { throw .corrupt("summary CRC mismatch") }
        }
        // Summary Offset records (if any) close the summary; an offset outside it is ignored.
        let offsetsInside = summaryOffsetStart >= summaryStart && summaryOffsetStart - summaryStart <= UInt64(summaryBytes.count)
        let end = summaryOffsetStart != 0 && offsetsInside ? Int(summaryOffsetStart - summaryStart) : summaryBytes.count
        var r = ByteReader(summaryBytes, to: end)
        var chunkIndexes: [MCAPChunkIndex] = []
        var metadataOffsets: [(UInt64, UInt64)] = []
        while !r.isAtEnd {
            let (op, content) = try record(&r)
            var c = ByteReader(Array(content))
            switch MCAP.Opcode(rawValue: op) {
            case .schema: try register(schema: MCAPSchema.parse(&c))
            case .channel: try register(channel: MCAPChannel.parse(&c))
            case .chunkIndex: chunkIndexes.append(try MCAPChunkIndex.parse(&c))
            case .metadataIndex: metadataOffsets.append((try c.u64(), try c.u64()))
            default: break
            }
        }
        for (offset, length) in metadataOffsets {
            var m = ByteReader(try file.read(at: offset, count: Int(min(length, 1 << 24))))
            let (op, content) = try record(&m)
            guard op == MCAP.Opcode.metadata.rawValue else { throw .corrupt("metadata index points at opcode \(op)") }
            try addMetadata(content)
        }
        // A summary without chunk indexes cannot locate messages: fall back to a scan.
        guard !chunkIndexes.isEmpty else { return false }
        for ci in chunkIndexes {
            guard ci.chunkStartOffset >= 8, ci.chunkLength <= file.size, ci.chunkStartOffset <= file.size - ci.chunkLength else {
                throw .corrupt("a chunk index points outside the file")
            }
            units.append(Unit(start: ci.messageStartTime, offset: ci.chunkStartOffset, length: ci.chunkLength, isChunk: true))
        }
        return true
    }

    // MARK: Scan (no summary)

    private func scan() throws(RecordingError) {
        var offset: UInt64 = 8
        while offset < file.size {
            do {
                guard let next = try scanRecord(at: offset) else { return }
                offset = next
            } catch {
                // A record whose length cannot be trusted: nothing after it can be found.
                return try damaged(error, at: offset)
            }
        }
    }

    /// Registers or indexes the record at `offset`; returns where the next one starts, nil at the end of the data.
    private func scanRecord(at offset: UInt64) throws(RecordingError) -> UInt64? {
        guard file.size - offset >= 9 else { throw .truncated("\(file.size - offset) stray bytes at the end (cut short?)") }
        var head = ByteReader(try file.read(at: offset, count: 9))
        let op = try head.u8(), length = try head.u64()
        guard length <= file.size - offset - 9 else {
            throw .truncated("a record runs past the end of the file (cut short?)")
        }
        let recordLength = 9 + length
        do {
            guard try index(op: op, at: offset, length: length) else { return nil }
        } catch {
            // The record's length is sound, so the records after it can still be read.
            try damaged(error, at: offset)
        }
        return offset + recordLength
    }

    /// Registers or indexes one record's content; false at the end of the data section.
    private func index(op: UInt8, at offset: UInt64, length: UInt64) throws(RecordingError) -> Bool {
        let recordLength = 9 + length
        switch MCAP.Opcode(rawValue: op) {
        case .schema, .channel, .metadata:
            var c = ByteReader(try file.read(at: offset + 9, count: Int(length)))
            if op == MCAP.Opcode.schema.rawValue { try register(schema: MCAPSchema.parse(&c)) }
            if op == MCAP.Opcode.channel.rawValue { try register(channel: MCAPChannel.parse(&c)) }
            if op == MCAP.Opcode.metadata.rawValue { try addMetadata(c.bytes[...]) }
        case .message:
            var c = ByteReader(try file.read(at: offset + 9, count: min(Int(length), 22)))
            _ = try c.u16()
            _ = try c.u32()
            units.append(Unit(start: try c.u64(), offset: offset, length: recordLength, isChunk: false))
        case .chunk:
            // Learn the chunk's schemas and channels now: topics must be known before reading.
            let records = try decompressChunk(at: offset, length: recordLength)
            var r = ByteReader(records.bytes)
            while !r.isAtEnd {
                let (innerOp, content) = try record(&r)
                var c = ByteReader(Array(content))
                if innerOp == MCAP.Opcode.schema.rawValue { try register(schema: MCAPSchema.parse(&c)) }
                if innerOp == MCAP.Opcode.channel.rawValue { try register(channel: MCAPChannel.parse(&c)) }
            }
            units.append(Unit(start: records.start, offset: offset, length: recordLength, isChunk: true))
        case .dataEnd, .footer:
            return false
        default:
            break
        }
        return true
    }

    /// What a strict reader adds to an error about damage: where, and what to do.
    private static func hint(at offset: UInt64) -> String {
        " (record at offset \(offset)); replay --lenient uses the readable rest; presenced repair rewrites the file without the damage"
    }

    /// Stops the scan at damage: an error, or (lenient) a note and what came before.
    private func damaged(_ error: RecordingError, at offset: UInt64) throws(RecordingError) {
        guard lenient else { throw error.appending(Self.hint(at: offset)) }
        damage.note("\(error) (record at offset \(offset))")
    }

    // MARK: Records

    private func record(_ r: inout ByteReader) throws(RecordingError) -> (UInt8, ArraySlice<UInt8>) {
        let op = try r.u8()
        let length = try r.u64()
        guard length <= UInt64(r.remaining) else { throw .truncated("record of \(length) bytes, \(r.remaining) remain") }
        return (op, try r.take(Int(length)))
    }

    private func register(schema: MCAPSchema) throws(RecordingError) { schemas[schema.id] = schema }
    private func register(channel: MCAPChannel) throws(RecordingError) { channels[channel.id] = channel }

    private func addMetadata(_ content: ArraySlice<UInt8>) throws(RecordingError) {
        var c = ByteReader(Array(content))
        let name = try c.string()
        metadata[name] = try c.stringMap()
    }

    private func decompressChunk(at offset: UInt64, length: UInt64) throws(RecordingError) -> (start: UInt64, bytes: [UInt8]) {
        guard length <= UInt64(MCAP.maxChunkSize) + 1024 else { throw .corrupt("chunk record of \(length) bytes (at most \(MCAP.maxChunkSize >> 20) MB are accepted)") }
        try file.read(at: offset, count: Int(length), into: &compressedBuffer)
        var r = ByteReader(compressedBuffer)
        guard try r.u8() == MCAP.Opcode.chunk.rawValue else { throw .corrupt("chunk index points at another record") }
        _ = try r.u64()
        let start = try r.u64()
        _ = try r.u64()
        let uncompressedSize = try r.u64(), crc = try r.u32()
        let compression = try r.string()
        let compressed = try r.take(Int(min(try r.u64(), UInt64(r.remaining + 1))))
        guard uncompressedSize <= UInt64(MCAP.maxChunkSize) else {
            throw .corrupt("chunk claims \(uncompressedSize) uncompressed bytes (at most \(MCAP.maxChunkSize >> 20) MB are accepted)")
        }
        let size = Int(uncompressedSize)
        switch compression {
        case "", "zstd", "lz4": break
        default: throw .unsupported("chunk compression \"\(compression)\" (zstd, lz4 and none are supported)")
        }
        if compression.isEmpty, compressed.count != size { throw .corrupt("chunk size does not match its header") }
        let records = try chunkBuffers.fill(count: size) { (out) throws(RecordingError) in
            switch compression {
            case "zstd": try zstd.decompress(compressed, into: out)
            case "lz4": try LZ4Frame.decompress(compressed, into: out)
            default: compressed.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) }
            }
        }
        // A zstd frame with its own content checksum was verified while it was decompressed.
        let verified = compression == "zstd" && Zstd.hasContentChecksum(compressed)
        if crc != 0, !verified, CRC32.checksum(records) != crc { throw .corrupt("chunk CRC mismatch at offset \(offset)") }
        return (start, records)
    }

    private func load(_ unit: Unit) throws(RecordingError) {
        if unit.isChunk {
            let records = try decompressChunk(at: unit.offset, length: unit.length).bytes
            var r = ByteReader(records)
            while !r.isAtEnd {
                let (op, content) = try record(&r)
                var c = ByteReader(records, from: content.startIndex, to: content.endIndex)
                switch MCAP.Opcode(rawValue: op) {
                case .message: try push(&c)
                case .schema: try register(schema: MCAPSchema.parse(&c))
                case .channel: try register(channel: MCAPChannel.parse(&c))
                default: break
                }
            }
        } else {
            var c = ByteReader(try file.read(at: unit.offset + 9, count: Int(unit.length - 9)))
            try push(&c)
        }
    }

    private func push(_ c: inout ByteReader) throws(RecordingError) {
        let channel = try c.u16()
        _ = try c.u32()
        let logTime = try c.u64(), publishTime = try c.u64()
        let data = try c.take(c.remaining)
        order += 1
        pending.push(.init(logTime: logTime, order: order,
                           message: MCAPMessage(channel: channel, logTime: logTime, publishTime: publishTime, data: data)))
    }
}
