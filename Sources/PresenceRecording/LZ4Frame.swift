import CLZ4

/// LZ4 frame decompression through Debian's liblz4: MCAP's `lz4` chunk
/// compression is the LZ4 frame format (files from other tools use it; we write zstd).
enum LZ4Frame {
    /// Decompresses a frame that must fill `out` exactly.
    static func decompress(_ input: ArraySlice<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) throws(RecordingError) {
        let size = out.count
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            throw .corrupt("lz4: cannot create a decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        var produced = 0, consumed = 0
        let dst = UnsafeMutableRawBufferPointer(out)
        let status: Int = input.withUnsafeBytes { src in
            // LZ4F_decompress may stop early (it returns a hint > 0); call it until the frame ends or nothing moves.
            while true {
                var dstSize = dst.count - produced, srcSize = src.count - consumed
                let hint = LZ4F_decompress(context, dst.baseAddress.map { $0 + produced }, &dstSize,
                                           src.baseAddress.map { $0 + consumed }, &srcSize, nil)
                produced += dstSize
                consumed += srcSize
                if LZ4F_isError(hint) != 0 { return hint }
                if hint == 0 || (dstSize == 0 && srcSize == 0) { return hint }
            }
        }
        if LZ4F_isError(status) != 0 { throw .corrupt("compressed chunk is damaged (lz4: \(String(cString: LZ4F_getErrorName(status))))") }
        guard status == 0 else { throw .corrupt("lz4: the frame ends early (\(consumed) of \(input.count) bytes used)") }
        guard produced == size else { throw .corrupt("chunk decompressed to \(produced) bytes, its header says \(size)") }
    }
}
