import CZstd

/// zstd through Debian's libzstd: one frame per MCAP chunk.
enum Zstd {
    /// Level 3 is zstd's default: a good ratio at a few hundred MB/s.
    static func compress(_ input: [UInt8], level: Int32 = 3) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { dst in
            input.withUnsafeBytes { src in ZSTD_compress(dst.baseAddress, bound, src.baseAddress, src.count, level) }
        }
        // Compression into a buffer of compressBound size cannot fail.
        precondition(ZSTD_isError(n) == 0, "zstd: \(String(cString: ZSTD_getErrorName(n)))")
        out.removeLast(out.count - n)
        return out
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
