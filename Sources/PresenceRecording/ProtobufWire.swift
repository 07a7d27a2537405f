import PresenceCore

/// Reading the protobuf wire format, by hand, for the three small messages of
/// DESIGN.md §3 (writing: Core's ProtobufWriter): no generated code, and `bytes`
/// fields are read without copying until the caller asks. Decoding is strict
/// about structure (every length is checked) and lenient about content (unknown
/// fields of any wire type are skipped).
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    private let data: ArraySlice<UInt8>
    private var i: Int

    init(_ data: ArraySlice<UInt8>) {
        self.data = data
        i = data.startIndex
    }

    /// The next field, or nil at the end.
    mutating func next() throws(RecordingError) -> (field: Int, value: Value)? {
        guard i < data.endIndex else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        guard field > 0 else { throw .corrupt("protobuf field number 0") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(UInt64(try little(8))))
        case 5: return (field, .fixed32(UInt32(try little(4))))
        case 2:
            let n = try varint()
            guard n <= UInt64(data.endIndex - i) else { throw .truncated("protobuf field \(field) claims \(n) bytes, \(data.endIndex - i) remain") }
            defer { i += Int(n) }
            return (field, .bytes(data[i..<(i + Int(n))]))
        default:
            // Groups (3, 4) are deprecated and never used by these schemas.
            throw .corrupt("protobuf wire type \(key & 7) in field \(field)")
        }
    }

    private mutating func varint() throws(RecordingError) -> UInt64 {
        var v: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard i < data.endIndex else { throw .truncated("protobuf varint") }
            let b = data[i]
            i += 1
            guard shift < 64 else { throw .corrupt("protobuf varint longer than 10 bytes") }
            v |= UInt64(b & 0x7F) << UInt64(shift)
            if b & 0x80 == 0 { return v }
        }
        throw .corrupt("protobuf varint longer than 10 bytes")
    }

    private mutating func little(_ n: Int) throws(RecordingError) -> UInt64 {
        guard data.endIndex - i >= n else { throw .truncated("protobuf fixed field") }
        var v: UInt64 = 0
        for k in 0..<n { v |= UInt64(data[i + k]) << (8 * UInt64(k)) }
        i += n
        return v
    }

    /// Decodes a google.protobuf.Timestamp into Unix-epoch nanoseconds.
    static func timestamp(_ bytes: ArraySlice<UInt8>) throws(RecordingError) -> Int64 {
        var r = ProtobufReader(bytes)
        var seconds: Int64 = 0, nanos: Int64 = 0
        while let (field, value) = try r.next() {
            if field == 1, case .varint(let v) = value { seconds = Int64(bitPattern: v) }
            if field == 2, case .varint(let v) = value { nanos = Int64(Int32(truncatingIfNeeded: v)) }
        }
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { throw .corrupt("timestamp out of range") }
        return ns &+ nanos
    }
}
