/// Luma out of packed YUYV rows, for the camera (V4L2 YUYV) and for replayed
/// `yuyv` images: Y0 U Y1 V, so luma is every even byte. Every frame goes
/// through it, so 16 pixels at a time: 32 bytes read as sixteen little-endian
/// UInt16s whose low bytes are the Y samples, narrowed in one pack.
public enum LumaRows {
    /// out[x] = yuyv[2x] for x in 0..<out.count; `yuyv` holds at least 2 × out.count bytes.
    public static func fromYUYV(_ yuyv: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(yuyv.count >= 2 * out.count, "a YUYV row of \(out.count) pixels needs \(2 * out.count) bytes")
        var x = 0
        #if _endian(little)
        let src = UnsafeRawPointer(yuyv.baseAddress!), n = out.count
        if n > 0 {
            let dst = UnsafeMutableRawPointer(out.baseAddress!)
            while x + 16 <= n {
                let pairs = src.loadUnaligned(fromByteOffset: 2 * x, as: SIMD16<UInt16>.self)
                dst.storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: pairs), toByteOffset: x, as: SIMD16<UInt8>.self)
                x += 16
            }
        }
        #endif
        if x < out.count {
            fromYUYVScalar(UnsafeBufferPointer(rebasing: yuyv[(2 * x)...]), into: UnsafeMutableBufferPointer(rebasing: out[x...]))
        }
    }

    /// Scalar twin of `fromYUYV`.
    public static func fromYUYVScalar(_ yuyv: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        for x in 0..<out.count { out[x] = yuyv[2 * x] }
    }
}
