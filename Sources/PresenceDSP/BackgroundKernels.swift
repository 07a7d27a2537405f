/// The per-pixel kernels of the background model, each as SIMD code and as its
/// scalar twin (the tests run both on random input and require the same result,
/// bit for bit: the SIMD code does the same float operations in the same order).
public enum BackgroundKernels {
    /// Classifies every pixel and updates the background in place:
    /// `b = background + shift` (the lighting change, followed at once), `d = pixel - b`,
    /// foreground where `|d| > threshold` (mask 255, else 0), then `background = b + rate * d`
    /// with `foregroundRate` for foreground pixels. Returns the number of foreground pixels.
    public static func classify(_ pixels: UnsafeBufferPointer<UInt8>, background: UnsafeMutableBufferPointer<Float>,
                                mask: UnsafeMutableBufferPointer<UInt8>, shift: Float, threshold: Float,
                                rate: Float, foregroundRate: Float) -> Int {
        let n = pixels.count
        var count = 0
        var i = 0
        let shiftV = SIMD8<Float>(repeating: shift), thrV = SIMD8<Float>(repeating: threshold)
        let rateV = SIMD8<Float>(repeating: rate), fgRateV = SIMD8<Float>(repeating: foregroundRate)
        let src = UnsafeRawPointer(pixels.baseAddress!), bgp = UnsafeMutableRawPointer(background.baseAddress!)
        let dst = UnsafeMutableRawPointer(mask.baseAddress!)
        while i + 8 <= n {
            let p = SIMD8<Float>(src.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self))
            let b = bgp.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) + shiftV
            let d = p - b
            let fg = (d .> thrV) .| (d .< -thrV)
            let r = rateV.replacing(with: fgRateV, where: fg)
            bgp.storeBytes(of: b + r * d, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            let m = SIMD8<UInt8>(truncatingIfNeeded: SIMD8<Int32>(repeating: 0).replacing(with: 255, where: fg))
            dst.storeBytes(of: m, toByteOffset: i, as: SIMD8<UInt8>.self)
            count &+= Int((m & 1).wrappedSum())
            i += 8
        }
        // The tail, fewer than 8 pixels, the scalar way.
        if i < n {
            count += classifyScalar(UnsafeBufferPointer(rebasing: pixels[i...]), background: UnsafeMutableBufferPointer(rebasing: background[i...]),
                                    mask: UnsafeMutableBufferPointer(rebasing: mask[i...]), shift: shift, threshold: threshold,
                                    rate: rate, foregroundRate: foregroundRate)
        }
        return count
    }

    /// Scalar twin of `classify`.
    public static func classifyScalar(_ pixels: UnsafeBufferPointer<UInt8>, background: UnsafeMutableBufferPointer<Float>,
                                      mask: UnsafeMutableBufferPointer<UInt8>, shift: Float, threshold: Float,
                                      rate: Float, foregroundRate: Float) -> Int {
        var count = 0
        for i in 0..<pixels.count {
            let b = background[i] + shift
            let d = Float(pixels[i]) - b
            let fg = d > threshold || d < -threshold
            mask[i] = fg ? 255 : 0
            count += fg ? 1 : 0
            background[i] = b + (fg ? foregroundRate : rate) * d
        }
        return count
    }

    /// Dynamic background (a fan's blades, a swaying curtain, a screen): a pixel that keeps changing is not
    /// an object. `flicker` counts a pixel's changes, with a decay: falling back from foreground to
    /// background, or staying foreground while its grey level jumps by more than `threshold` from the
    /// last frame (blades sweeping past, whose mean the background learned). Where the count passes
    /// `limit` the pixel is taken out of `mask`. A person who sits still changes neither way and stays.
    /// `previous` is the last frame's raw mask and becomes this one's; `pixels` and `before` are this
    /// frame's and the last frame's luma.
    public static func suppressFlicker(_ mask: UnsafeMutableBufferPointer<UInt8>, previous: UnsafeMutableBufferPointer<UInt8>,
                                       pixels: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>,
                                       flicker: UnsafeMutableBufferPointer<Float>, threshold: UInt8, decay: Float, limit: Float) {
        let n = mask.count
        var i = 0
        let m = UnsafeMutableRawPointer(mask.baseAddress!), pv = UnsafeMutableRawPointer(previous.baseAddress!)
        let px = UnsafeRawPointer(pixels.baseAddress!), bf = UnsafeRawPointer(before.baseAddress!)
        let fl = UnsafeMutableRawPointer(flicker.baseAddress!)
        let decayV = SIMD8<Float>(repeating: decay), limitV = SIMD8<Float>(repeating: limit)
        let thrV = SIMD8<UInt8>(repeating: threshold)
        while i + 8 <= n {
            let now = m.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            let was = pv.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            pv.storeBytes(of: now, toByteOffset: i, as: SIMD8<UInt8>.self)
            let a = px.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self), b = bf.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            let jump = SIMD8<UInt8>(repeating: 0).replacing(with: 255, where: (a &- b).replacing(with: b &- a, where: b .> a) .> thrV)
            let changed = was & (~now | (now & jump)) & 1
            let f = fl.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * decayV + SIMD8<Float>(changed)
            fl.storeBytes(of: f, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            let keep = SIMD8<UInt8>(truncatingIfNeeded: SIMD8<Int32>(repeating: 255).replacing(with: 0, where: f .> limitV))
            m.storeBytes(of: now & keep, toByteOffset: i, as: SIMD8<UInt8>.self)
            i += 8
        }
        if i < n {
            suppressFlickerScalar(UnsafeMutableBufferPointer(rebasing: mask[i...]), previous: UnsafeMutableBufferPointer(rebasing: previous[i...]),
                                  pixels: UnsafeBufferPointer(rebasing: pixels[i...]), before: UnsafeBufferPointer(rebasing: before[i...]),
                                  flicker: UnsafeMutableBufferPointer(rebasing: flicker[i...]), threshold: threshold, decay: decay, limit: limit)
        }
    }

    /// Scalar twin of `suppressFlicker`.
    public static func suppressFlickerScalar(_ mask: UnsafeMutableBufferPointer<UInt8>, previous: UnsafeMutableBufferPointer<UInt8>,
                                             pixels: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>,
                                             flicker: UnsafeMutableBufferPointer<Float>, threshold: UInt8, decay: Float, limit: Float) {
        for i in 0..<mask.count {
            let jumped = abs(Int(pixels[i]) - Int(before[i])) > Int(threshold)
            let changed: Float = previous[i] != 0 && (mask[i] == 0 || jumped) ? 1 : 0
            previous[i] = mask[i]
            flicker[i] = flicker[i] * decay + changed
            if flicker[i] > limit { mask[i] = 0 }
        }
    }

    /// Sum of |a - b| over two frames of the same size (frame-difference energy).
    public static func absoluteDifferenceSum(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        var total = 0
        var i = 0
        let pa = UnsafeRawPointer(a.baseAddress!), pb = UnsafeRawPointer(b.baseAddress!)
        while i + 16 <= n {
            // Up to 255 blocks of 16 bytes fit a UInt16 lane sum without overflow (16 x 255 x 255 < 65536 per lane pair).
            var acc = SIMD16<UInt16>(repeating: 0)
            var blocks = 0
            while i + 16 <= n, blocks < 255 {
                let x = pa.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let y = pb.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                // |x - y| without a branch: whichever wrapping difference is the right one.
                let d = (x &- y).replacing(with: y &- x, where: y .> x)
                acc &+= SIMD16<UInt16>(truncatingIfNeeded: d)
                i += 16
                blocks += 1
            }
            total += Int(SIMD16<UInt32>(truncatingIfNeeded: acc).wrappedSum())
        }
        if i < n { total += absoluteDifferenceSumScalar(UnsafeBufferPointer(rebasing: a[i..<n]), UnsafeBufferPointer(rebasing: b[i..<n])) }
        return total
    }

    /// Foreground pixels (non-zero bytes) of a 0/255 mask.
    public static func countSet(_ mask: UnsafeBufferPointer<UInt8>) -> Int {
        let n = mask.count
        var total = 0
        var i = 0
        let p = UnsafeRawPointer(mask.baseAddress!)
        while i + 8 <= n {
            // 0/255 bytes: bit 0 of each says whether it is set.
            total += (p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x0101_0101_0101_0101).nonzeroBitCount
            i += 8
        }
        while i < n {
            total += mask[i] != 0 ? 1 : 0
            i += 1
        }
        return total
    }

    /// Scalar twin of `countSet`.
    public static func countSetScalar(_ mask: UnsafeBufferPointer<UInt8>) -> Int {
        mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    }

    /// Scalar twin of `absoluteDifferenceSum`.
    public static func absoluteDifferenceSumScalar(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var total = 0
        for i in 0..<min(a.count, b.count) { total += abs(Int(a[i]) - Int(b[i])) }
        return total
    }
}
