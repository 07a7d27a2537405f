/// Little-endian serialisation for MCAP records (mcap.dev/spec: integers are
/// little-endian; strings, byte arrays and maps carry a uint32 length prefix).
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// uint32 length-prefixed bytes.
    mutating func prefixedBytes(_ b: [UInt8]) {
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }

    /// Map<uint16, uint64> (channel id to offset or count), sorted by key for stable output.
    mutating func idMap(_ m: [UInt16: UInt64]) {
        var inner = ByteWriter(capacity: m.count * 10)
        for key in m.keys.sorted() {
            inner.u16(key)
            inner.u64(m[key]!)
        }
        prefixedBytes(inner.bytes)
    }

    /// Map<string, string>: a uint32 byte length, then key/value pairs, sorted by key for stable output.
    mutating func stringMap(_ m: [String: String]) {
        var inner = ByteWriter()
        for key in m.keys.sorted() {
            inner.string(key)
            inner.string(m[key]!)
        }
        prefixedBytes(inner.bytes)
    }
}

/// Bounds-checked little-endian reading over a byte buffer. Every read throws
/// on truncation instead of trapping: recordings are untrusted input.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        offset = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    mutating func need(_ n: Int) throws(RecordingError) {
        guard n >= 0, n <= remaining else { throw .truncated("a record field needs \(n) bytes, \(remaining) remain") }
    }

    mutating func u8() throws(RecordingError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(RecordingError) -> UInt16 { UInt16(truncatingIfNeeded: try little(2)) }
    mutating func u32() throws(RecordingError) -> UInt32 { UInt32(truncatingIfNeeded: try little(4)) }
    mutating func u64() throws(RecordingError) -> UInt64 { try little(8) }

    private mutating func little(_ n: Int) throws(RecordingError) -> UInt64 {
        try need(n)
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += n
        return v
    }

    mutating func take(_ n: Int) throws(RecordingError) -> ArraySlice<UInt8> {
        try need(n)
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func skip(_ n: Int) throws(RecordingError) {
        try need(n)
        offset += n
    }

    mutating func string() throws(RecordingError) -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }

    mutating func prefixedBytes() throws(RecordingError) -> ArraySlice<UInt8> { try take(Int(try u32())) }

    mutating func stringMap() throws(RecordingError) -> [String: String] {
        let n = Int(try u32())
        try need(n)
        var inner = ByteReader(bytes, from: offset, to: offset + n)
        offset += n
        var m: [String: String] = [:]
        while !inner.isAtEnd { m[try inner.string()] = try inner.string() }
        return m
    }
}
