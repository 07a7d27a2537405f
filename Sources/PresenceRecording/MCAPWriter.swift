import Foundation

/// Writes an MCAP file: header, chunked messages (each chunk followed by its
/// message index records), data end, and a summary section (schemas, channels,
/// statistics, chunk and metadata indexes, summary offsets) with the footer.
/// Each chunk goes to disk as soon as it closes, so a file cut short keeps every
/// completed chunk; nothing beyond the open chunk is held in memory. A failed
/// write (a full disk) is cut back to the last whole record, so the file still
/// reads up to there. Output is a pure function of the calls made: no clocks,
/// no randomness.
final class MCAPWriter {
    struct Options {
        var compression = MCAPCompression.zstd
        /// Close a chunk once its uncompressed records reach this size...
        var chunkSize = 1 << 20
        /// ...or once it spans this much log time (crash safety: at most this much is lost).
        var chunkDuration: UInt64 = 1_000_000_000
        var profile = ""
        var library = "presenced"
        /// fsync after every chunk, so that a power loss keeps every completed chunk (recording live sessions).
        var syncEachChunk = false
    }

    private let fd: Int32
    private let path: String
    private let options: Options
    private var position: UInt64 = 0
    private var finished = false

    private var schemas: [MCAPSchema] = []
    private var channels: [MCAPChannel] = []
    private var chunkIndexes: [MCAPChunkIndex] = []
    private var metadataIndexes: [(offset: UInt64, length: UInt64, name: String)] = []
    private var channelCounts: [UInt16: UInt64] = [:]
    private var messageCount: UInt64 = 0
    private var firstTime: UInt64?
    private var lastTime: UInt64 = 0
    private var sequence: UInt32 = 0

    // The open chunk.
    private var chunk = ByteWriter(capacity: 1 << 20)
    private var chunkStart: UInt64 = 0
    private var chunkEnd: UInt64 = 0
    private var chunkMessages: [UInt16: [(UInt64, UInt64)]] = [:]
    private var chunkHasMessages = false

    init(path: String, options: Options = Options()) throws(RecordingError) {
        self.path = path
        self.options = options
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("\(path): cannot create the file: \(String(cString: strerror(errno)))") }
        var header = ByteWriter()
        header.string(options.profile)
        header.string(options.library)
        try emit(MCAP.magic + MCAP.record(.header, header.bytes))
    }

    deinit {
        if !finished { close(fd) }
    }

    func addSchema(name: String, encoding: String, data: [UInt8]) throws(RecordingError) -> UInt16 {
        let schema = MCAPSchema(id: UInt16(schemas.count + 1), name: name, encoding: encoding, data: data)
        schemas.append(schema)
        // In the chunk stream too, so that a reader without the summary can decode the messages.
        chunk.bytes += MCAP.record(.schema, schema.content())
        return schema.id
    }

    func addChannel(topic: String, messageEncoding: String, schemaID: UInt16, metadata: [String: String] = [:]) throws(RecordingError) -> UInt16 {
        let channel = MCAPChannel(id: UInt16(channels.count), schemaID: schemaID, topic: topic, messageEncoding: messageEncoding, metadata: metadata)
        channels.append(channel)
        chunk.bytes += MCAP.record(.channel, channel.content())
        return channel.id
    }

    func write(channel: UInt16, logTime: UInt64, publishTime: UInt64, data: [UInt8]) throws(RecordingError) {
        if chunkHasMessages, chunk.bytes.count >= options.chunkSize || logTime &- chunkStart >= options.chunkDuration {
            try closeChunk()
        }
        if !chunkHasMessages {
            chunkStart = logTime
            chunkEnd = logTime
        }
        chunkStart = min(chunkStart, logTime)
        chunkEnd = max(chunkEnd, logTime)
        chunkHasMessages = true
        chunkMessages[channel, default: []].append((logTime, UInt64(chunk.bytes.count)))
        sequence &+= 1
        chunk.u8(MCAP.Opcode.message.rawValue)
        chunk.u64(UInt64(2 + 4 + 8 + 8 + data.count))
        chunk.u16(channel)
        chunk.u32(sequence)
        chunk.u64(logTime)
        chunk.u64(publishTime)
        chunk.bytes += data
        messageCount += 1
        channelCounts[channel, default: 0] += 1
        firstTime = min(firstTime ?? logTime, logTime)
        lastTime = max(lastTime, logTime)
    }

    /// A Metadata record (outside chunks), indexed in the summary.
    func addMetadata(name: String, _ values: [String: String]) throws(RecordingError) {
        try closeChunk()
        var w = ByteWriter()
        w.string(name)
        w.stringMap(values)
        let record = MCAP.record(.metadata, w.bytes)
        metadataIndexes.append((position, UInt64(record.count), name))
        try emit(record)
    }

    func finish() throws(RecordingError) {
        guard !finished else { return }
        try closeChunk()
        var dataEnd = ByteWriter()
        dataEnd.u32(0) // data section CRC: 0 = not computed (allowed by the spec)
        try emit(MCAP.record(.dataEnd, dataEnd.bytes))

        let summaryStart = position
        var summary = ByteWriter(capacity: 4096)
        var groups: [(MCAP.Opcode, UInt64, UInt64)] = []
        func group(_ op: MCAP.Opcode, _ records: [[UInt8]]) {
            guard !records.isEmpty else { return }
            let start = summaryStart + UInt64(summary.bytes.count)
            for r in records { summary.bytes += r }
            groups.append((op, start, summaryStart + UInt64(summary.bytes.count) - start))
        }
        group(.schema, schemas.map { MCAP.record(.schema, $0.content()) })
        group(.channel, channels.map { MCAP.record(.channel, $0.content()) })
        group(.statistics, [MCAP.record(.statistics, statistics())])
        group(.chunkIndex, chunkIndexes.map { MCAP.record(.chunkIndex, $0.content()) })
        group(.metadataIndex, metadataIndexes.map { m in
            var w = ByteWriter()
            w.u64(m.offset)
            w.u64(m.length)
            w.string(m.name)
            return MCAP.record(.metadataIndex, w.bytes)
        })
        let summaryOffsetStart = summaryStart + UInt64(summary.bytes.count)
        for (op, start, length) in groups {
            var w = ByteWriter()
            w.u8(op.rawValue)
            w.u64(start)
            w.u64(length)
            summary.bytes += MCAP.record(.summaryOffset, w.bytes)
        }
        var footer = ByteWriter()
        footer.u8(MCAP.Opcode.footer.rawValue)
        footer.u64(20)
        footer.u64(summaryStart)
        footer.u64(summaryOffsetStart)
        // The summary CRC covers the summary and summary-offset sections and the footer up to this field.
        var crc = CRC32()
        crc.update(summary.bytes)
        crc.update(footer.bytes)
        footer.u32(crc.value)
        try emit(summary.bytes + footer.bytes + MCAP.magic)
        finished = true
        let synced = fsync(fd) == 0 ? 0 : errno
        let closed = close(fd) == 0 ? 0 : errno
        if synced != 0 || closed != 0 { throw .io("\(path): \(String(cString: strerror(synced != 0 ? synced : closed)))") }
    }

    /// Writes the open chunk now (crash safety on a wall-clock schedule: a recorder calls this every second).
    func flush() throws(RecordingError) {
        try closeChunk()
    }

    private func statistics() -> [UInt8] {
        var w = ByteWriter()
        w.u64(messageCount)
        w.u16(UInt16(schemas.count))
        w.u32(UInt32(channels.count))
        w.u32(0) // attachments
        w.u32(UInt32(metadataIndexes.count))
        w.u32(UInt32(chunkIndexes.count))
        w.u64(firstTime ?? 0)
        w.u64(lastTime)
        w.idMap(channelCounts)
        return w.bytes
    }

    /// Writes the open chunk and its message indexes, if it holds anything.
    private func closeChunk() throws(RecordingError) {
        defer { if options.syncEachChunk { fsync(fd) } }
        guard !chunk.bytes.isEmpty else { return }
        let records = chunk.bytes
        guard chunkHasMessages else {
            // Only schema and channel records: they may stand at top level, where every reader sees them.
            try emit(records)
            chunk.bytes.removeAll(keepingCapacity: true)
            return
        }
        let compressed = options.compression == .zstd ? Zstd.compress(records) : records
        var w = ByteWriter(capacity: compressed.count + 64)
        w.u64(chunkStart)
        w.u64(chunkEnd)
        w.u64(UInt64(records.count))
        w.u32(CRC32.checksum(records))
        w.string(options.compression.rawValue)
        w.u64(UInt64(compressed.count))
        w.bytes += compressed
        let chunkRecord = MCAP.record(.chunk, w.bytes)
        let chunkOffset = position

        var indexes = ByteWriter()
        var indexOffsets: [UInt16: UInt64] = [:]
        let indexStart = chunkOffset + UInt64(chunkRecord.count)
        for id in chunkMessages.keys.sorted() {
            indexOffsets[id] = indexStart + UInt64(indexes.bytes.count)
            var entries = ByteWriter()
            for (time, offset) in chunkMessages[id]! {
                entries.u64(time)
                entries.u64(offset)
            }
            var content = ByteWriter()
            content.u16(id)
            content.prefixedBytes(entries.bytes)
            indexes.bytes += MCAP.record(.messageIndex, content.bytes)
        }
        try emit(chunkRecord + indexes.bytes)
        chunkIndexes.append(MCAPChunkIndex(
            messageStartTime: chunkStart, messageEndTime: chunkEnd, chunkStartOffset: chunkOffset,
            chunkLength: UInt64(chunkRecord.count), messageIndexOffsets: indexOffsets,
            messageIndexLength: UInt64(indexes.bytes.count), compression: options.compression.rawValue,
            compressedSize: UInt64(compressed.count), uncompressedSize: UInt64(records.count)))
        chunk.bytes.removeAll(keepingCapacity: true)
        chunkMessages.removeAll(keepingCapacity: true)
        chunkHasMessages = false
    }

    /// Appends whole records; on failure the file is cut back to where they began, so it ends on a record boundary.
    private func emit(_ bytes: [UInt8]) throws(RecordingError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(n < 0 ? errno : EIO))
                if ftruncate(fd, off_t(position)) == 0 { lseek(fd, off_t(position), SEEK_SET) }
                throw .io("\(path): write failed: \(reason)")
            }
            done += n
        }
        position += UInt64(bytes.count)
    }
}
