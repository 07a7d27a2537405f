import Foundation
import CZlib

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum MCAP uses
/// for chunks, the data section and the summary. Computed by zlib's `crc32`,
/// which is several times faster than a byte-wise table (checking every chunk of
/// a replay was a quarter of its time); `scalarChecksum` is its scalar twin.
struct CRC32 {
    private var state: uLong = 0

    init() {}

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        // zlib takes a 32-bit length: feed larger buffers in pieces.
        var rest = bytes
        while !rest.isEmpty {
            let n = min(rest.count, Int(UInt32.max >> 1))
            state = crc32(state, rest.baseAddress, uInt(n))
            rest = UnsafeBufferPointer(rebasing: rest[n...])
        }
    }

    var value: UInt32 { UInt32(truncatingIfNeeded: state) }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c = CRC32()
        c.update(bytes)
        return c.value
    }

    // MARK: Scalar twin

    private static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The same checksum one byte at a time from a table: the reference the tests compare zlib with.
    static func scalarChecksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// The CRC-32 of a whole file, as hex: how a model file names the recordings it was trained on.
public enum FileDigest {
    public static func crc32(path: String) throws -> (bytes: UInt64, crc32: String) {
        guard let stream = InputStream(fileAtPath: path) else { throw RecordingError.missing("\(path): cannot open") }
        stream.open()
        defer { stream.close() }
        var crc = CRC32()
        var total: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { stream.read($0.baseAddress!, maxLength: $0.count) }
            if n < 0 { throw RecordingError.io("\(path): \(stream.streamError?.localizedDescription ?? "read failed")") }
            if n == 0 { break }
            buffer.withUnsafeBufferPointer { crc.update(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            total += UInt64(n)
        }
        return (total, hex(crc.value))
    }

    /// The CRC-32 of some bytes, as hex (how a calibration file checks its contents).
    public static func crc32(of bytes: [UInt8]) -> String { hex(CRC32.checksum(bytes)) }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
