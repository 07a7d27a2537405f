/// Writing the protobuf wire format by hand (DESIGN.md §3: the few messages
/// presenced writes are encoded directly, without generated code): recordings'
/// RawImage, RawAudio and SerialChunk, and the ONNX export of a model.
/// Fields at their proto3 default are omitted, as protobuf's own encoders do.
public struct ProtobufWriter {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func tag(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    public mutating func varintField(_ field: Int, _ v: UInt64) {
        guard v != 0 else { return } // proto3 omits defaults
        tag(field, 0)
        varint(v)
    }

    public mutating func fixed32Field(_ field: Int, _ v: UInt32) {
        guard v != 0 else { return }
        tag(field, 5)
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func bytesField(_ field: Int, _ b: some Collection<UInt8>) {
        guard !b.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    public mutating func stringField(_ field: Int, _ s: String) { bytesField(field, Array(s.utf8)) }

    /// A length-delimited field holding an embedded message (written even when empty: its presence can matter).
    public mutating func messageField(_ field: Int, _ message: ProtobufWriter) {
        tag(field, 2)
        varint(UInt64(message.bytes.count))
        bytes += message.bytes
    }

    /// A packed repeated int64 field (varints; negative values take ten bytes, as protobuf says).
    public mutating func packedInt64Field(_ field: Int, _ values: [Int64]) {
        guard !values.isEmpty else { return }
        var packed = ProtobufWriter()
        for v in values { packed.varint(UInt64(bitPattern: v)) }
        tag(field, 2)
        varint(UInt64(packed.bytes.count))
        bytes += packed.bytes
    }

    /// google.protobuf.Timestamp from Unix-epoch nanoseconds.
    public mutating func timestampField(_ field: Int, nanoseconds t: Int64) {
        var ts = ProtobufWriter()
        let seconds = t >= 0 ? t / 1_000_000_000 : (t - 999_999_999) / 1_000_000_000
        ts.varintField(1, UInt64(bitPattern: seconds))
        ts.varintField(2, UInt64(t - seconds * 1_000_000_000))
        messageField(field, ts)
    }
}

