import CZstd

/// zstd through Debian's libzstd: one frame per MCAP chunk.
enum Zstd {
    /// Level 3 is zstd's default: a good ratio at a few hundred MB/s. The frame carries zstd's content
    /// checksum (XXH64), which decompression verifies as it goes; a reader then need not run the chunk's
    /// CRC-32 over the decompressed bytes again (that second pass was 5 % of a replay).
    static func compress(_ input: [UInt8], level: Int32 = 3) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var out = [UInt8](repeating: 0, count: bound)
        guard let context = ZSTD_createCCtx() else { fatalError("zstd: cannot allocate a compression context") }
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        let n = out.withUnsafeMutableBytes { dst in
            input.withUnsafeBytes { src in ZSTD_compress2(context, dst.baseAddress, bound, src.baseAddress, src.count) }
        }
        // Compression into a buffer of compressBound size cannot fail.
        precondition(ZSTD_isError(n) == 0, "zstd: \(String(cString: ZSTD_getErrorName(n)))")
        out.removeLast(out.count - n)
        return out
    }

    /// Whether a zstd frame carries a content checksum (RFC 8878 §3.1.1.1.1: bit 2 of the frame header
    /// descriptor, the byte after the magic number), which ZSTD_decompress* checks unless told not to.
    static func hasContentChecksum(_ frame: ArraySlice<UInt8>) -> Bool {
        let i = frame.startIndex
        guard frame.count > 4, frame[i] == 0x28, frame[i + 1] == 0xB5, frame[i + 2] == 0x2F, frame[i + 3] == 0xFD else { return false }
        return frame[i + 4] & 0x04 != 0
    }
}

/// zstd decompression with one context for a reader's life: ZSTD_decompress makes
/// (and faults in) a fresh context of about 160 kB for every chunk.
final class ZstdDecoder {
    private let context: OpaquePointer

    init() {
        // Only fails when memory is exhausted, as any allocation would.
        guard let context = ZSTD_createDCtx() else { fatalError("zstd: cannot allocate a decompression context") }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses a frame that must fill `out` exactly.
    func decompress(_ input: ArraySlice<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) throws(RecordingError) {
        let size = out.count
        // The frame says how big it is: a damaged header is caught before its claim is believed.
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared == ZSTD_CONTENTSIZE_ERROR { throw .corrupt("compressed chunk is damaged (not a zstd frame)") }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN, declared != UInt64(size) {
            throw .corrupt("chunk header says \(size) uncompressed bytes, its zstd frame says \(declared)")
        }
        let n = input.withUnsafeBytes { src in ZSTD_decompressDCtx(context, out.baseAddress, size, src.baseAddress, src.count) }
        if ZSTD_isError(n) != 0 { throw .corrupt("compressed chunk is damaged (zstd: \(String(cString: ZSTD_getErrorName(n))))") }
        guard n == size else { throw .corrupt("chunk decompressed to \(n) bytes, its header says \(size)") }
    }
}
