/// Power to decibels, 10·log10(p + 1e-12), for a whole spectrum at once: the
/// audio path takes the log of every FFT bin of every window, and libm's log10f
/// per bin was a third of its time. Exponent and mantissa come from the float's
/// bits; ln of the mantissa (centred on 1) from the atanh series
/// ln m = 2(t + t³/3 + t⁵/5 + t⁷/7 + t⁹/9), t = (m − 1)/(m + 1), |t| ≤ 0.172,
/// whose next term is below 1e-9: within 1e-5 dB of libm for any power.
/// The SIMD kernel and its scalar twin do the same float operations in the same
/// order, so they agree bit for bit.
public enum Decibels {
    /// Added to the power so that silence (0) has a finite level, -120 dB.
    public static let floor: Float = 1e-12

    private static let ln2: Float = 0.693_147_18
    private static let tenOverLn10: Float = 4.342_944_8

    /// out[k] = 10·log10(power[k] + 1e-12); power must be ≥ 0 (squared magnitudes), not NaN.
    public static func fromPower(_ power: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= power.count, "output shorter than input")
        let n = power.count
        var i = 0
        let src = UnsafeRawPointer(power.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        let floorV = SIMD8<Float>(repeating: floor), one = SIMD8<Float>(repeating: 1)
        let half = SIMD8<Float>(repeating: 0.5), sqrt2 = SIMD8<Float>(repeating: 1.414_213_6)
        let c3 = SIMD8<Float>(repeating: 1.0 / 3), c5 = SIMD8<Float>(repeating: 1.0 / 5)
        let c7 = SIMD8<Float>(repeating: 1.0 / 7), c9 = SIMD8<Float>(repeating: 1.0 / 9)
        let two = SIMD8<Float>(repeating: 2), ln2V = SIMD8<Float>(repeating: ln2), scale = SIMD8<Float>(repeating: tenOverLn10)
        while i + 8 <= n {
            let x = src.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) + floorV
            let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
            var e = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: (bits &>> 23) & 0xFF) &- 127)
            var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD8<Float>.self)
            // Centre the mantissa on 1: [1, 2) becomes [0.707, 1.414).
            let high = m .> sqrt2
            m = m.replacing(with: m * half, where: high)
            e = e.replacing(with: e + one, where: high)
            let t = (m - one) / (m + one), t2 = t * t
            var series = c7 + t2 * c9
            series = c5 + t2 * series
            series = c3 + t2 * series
            series = t * (one + t2 * series)
            let ln = e * ln2V + two * series
            dst.storeBytes(of: ln * scale, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        if i < n { fromPowerScalar(UnsafeBufferPointer(rebasing: power[i...]), into: UnsafeMutableBufferPointer(rebasing: out[i...])) }
    }

    /// Scalar twin of `fromPower`.
    public static func fromPowerScalar(_ power: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<power.count {
            let x = power[k] + floor
            let bits = x.bitPattern
            var e = Float(Int32((bits >> 23) & 0xFF) - 127)
            var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
            if m > 1.414_213_6 {
                m = m * 0.5
                e = e + 1
            }
            let t = (m - 1) / (m + 1), t2 = t * t
            var series: Float = 1.0 / 7 + t2 * (1.0 / 9)
            series = 1.0 / 5 + t2 * series
            series = 1.0 / 3 + t2 * series
            series = t * (1 + t2 * series)
            let ln = e * ln2 + 2 * series
            out[k] = ln * tenOverLn10
        }
    }
}
