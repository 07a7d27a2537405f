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

    /// Decompresses a frame that must expand to exactly `size` bytes.
    static func decompress(_ input: ArraySlice<UInt8>, size: Int) throws(RecordingError) -> [UInt8] {
        guard size >= 0, size <= MCAP.maxChunkSize else { throw .corrupt("chunk claims an uncompressed size of \(size) bytes") }
        // The frame says how big it is: check before allocating what a damaged header claims.
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared == ZSTD_CONTENTSIZE_ERROR { throw .corrupt("compressed chunk is damaged (not a zstd frame)") }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN, declared != UInt64(size) {
            throw .corrupt("chunk header says \(size) uncompressed bytes, its zstd frame says \(declared)")
        }
        var out = [UInt8](repeating: 0, count: size)
        let n = out.withUnsafeMutableBytes { dst in
            input.withUnsafeBytes { src in ZSTD_decompress(dst.baseAddress, size, src.baseAddress, src.count) }
        }
        if ZSTD_isError(n) != 0 { throw .corrupt("compressed chunk is damaged (zstd: \(String(cString: ZSTD_getErrorName(n))))") }
        guard n == size else { throw .corrupt("chunk decompressed to \(n) bytes, its header says \(size)") }
        return out
    }
}
