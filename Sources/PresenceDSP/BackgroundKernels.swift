/// The per-pixel kernels of the background model, each as SIMD code and as its
/// scalar twin (the tests run both on random input and require the same result,
/// byte for byte).
public enum BackgroundKernels {
    /// What `match` is asked.
    public struct MatchSettings: Sendable, Equatable {
        /// A sample matches a pixel when they differ by less than this.
        public var radius: UInt8
        /// A pixel is background when at least this many of its samples match.
        public var minMatches: UInt8

        /// Both at least 1.
        public init(radius: UInt8, minMatches: UInt8) {
            precondition(radius >= 1 && minMatches >= 1, "a match radius and a match count of at least 1")
            self.radius = radius
            self.minMatches = minMatches
        }
    }

    /// Where each pixel's samples are kept: pixels in blocks of 16, a block's k-th samples in 16 consecutive
    /// bytes (what one vector compares). The first four samples of every block come first, one cache line a block
    /// one after the other: nearly every pixel is decided by its first two samples, so the match reads one
    /// stream. The other samples follow in a second region, block by block.
    public struct SampleLayout: Sendable, Equatable {
        public let pixels: Int
        public let count: Int
        /// Samples per block in the first region.
        let first: Int
        let secondRegion: Int

        public init(pixels: Int, count: Int) {
            self.pixels = pixels
            self.count = count
            first = min(4, count)
            secondRegion = (pixels + 15) / 16 * first * 16
        }

        /// Bytes for all the samples.
        public var storage: Int { (pixels + 15) / 16 * 16 * count }

        /// Where sample `k` of pixel `i` is.
        @inline(__always)
        public func index(pixel i: Int, sample k: Int) -> Int {
            let block = i &>> 4, lane = i & 15
            return k < first ? ((block &* first &+ k) &<< 4) | lane
                : secondRegion &+ (((block &* (count &- first) &+ (k &- first)) &<< 4) | lane)
        }
    }

    /// Classifies each pixel (already brought to the model's lighting) against its samples: `mask` receives 255
    /// where fewer than `minMatches` of the `sampleCount` samples lie within `radius` of it (foreground), else 0.
    /// `samples` is laid out as `layout` says. Returns how many pixels are foreground. Blocks of 16 stop
    /// comparing as soon as all of their pixels have enough matches: most of a frame is background and decided
    /// after two samples.
    public static func match(_ pixels: UnsafeBufferPointer<UInt8>, samples: UnsafeBufferPointer<UInt8>, layout: SampleLayout,
                             mask: UnsafeMutableBufferPointer<UInt8>, _ s: MatchSettings) -> Int {
        let sampleCount = layout.count
        let n = pixels.count
        let px = UnsafeRawPointer(pixels.baseAddress!), sm = UnsafeRawPointer(samples.baseAddress!)
        let m = UnsafeMutableRawPointer(mask.baseAddress!)
        // Only `.>` and `.<` on the vectors: `.>=` and `.==` on SIMD16<UInt8> compile to slow generic code.
        let radiusLess = SIMD16<UInt8>(repeating: s.radius &- 1)
        let enoughLess = SIMD16<UInt8>(repeating: s.minMatches &- 1)
        let one = SIMD16<UInt8>(repeating: 1), zero = SIMD16<UInt8>(repeating: 0), full = SIMD16<UInt8>(repeating: 255)
        var foreground = 0
        var i = 0
        while i + 16 <= n {
            let g = px.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            var count = zero
            var k = 0
            while k < sampleCount {
                let sample = sm.loadUnaligned(fromByteOffset: layout.index(pixel: i, sample: k), as: SIMD16<UInt8>.self)
                // |g - sample| without a branch: whichever wrapping difference is the right one.
                let d = (g &- sample).replacing(with: sample &- g, where: sample .> g)
                count &+= one.replacing(with: zero, where: d .> radiusLess)
                k += 1
                // Done when no lane is still short of matches (tested as two words: `any` is slow generic code).
                if k >= Int(s.minMatches) {
                    let short = unsafeBitCast(one.replacing(with: zero, where: count .> enoughLess), to: (UInt64, UInt64).self)
                    if short.0 | short.1 == 0 { break }
                }
            }
            let fg = full.replacing(with: zero, where: count .> enoughLess)
            m.storeBytes(of: fg, toByteOffset: i, as: SIMD16<UInt8>.self)
            // 0/255 bytes: bit 0 of each says whether it is set (a widening sum would be a call per block).
            let words = unsafeBitCast(fg, to: (UInt64, UInt64).self)
            foreground &+= (words.0 & 0x0101_0101_0101_0101).nonzeroBitCount &+ (words.1 & 0x0101_0101_0101_0101).nonzeroBitCount
            i &+= 16
        }
        if i < n {
            foreground += matchScalar(UnsafeBufferPointer(rebasing: pixels[i...]), samples: samples, layout: layout,
                                      offset: i, mask: UnsafeMutableBufferPointer(rebasing: mask[i...]), s)
        }
        return foreground
    }

    /// Scalar twin of `match`.
    public static func matchScalar(_ pixels: UnsafeBufferPointer<UInt8>, samples: UnsafeBufferPointer<UInt8>, layout: SampleLayout,
                                   mask: UnsafeMutableBufferPointer<UInt8>, _ s: MatchSettings) -> Int {
        matchScalar(pixels, samples: samples, layout: layout, offset: 0, mask: mask, s)
    }

    /// `pixels` are those of a frame from `offset` on.
    private static func matchScalar(_ pixels: UnsafeBufferPointer<UInt8>, samples: UnsafeBufferPointer<UInt8>, layout: SampleLayout,
                                    offset: Int, mask: UnsafeMutableBufferPointer<UInt8>, _ s: MatchSettings) -> Int {
        var foreground = 0
        for i in 0..<pixels.count {
            var count = 0
            for k in 0..<layout.count where abs(Int(pixels[i]) - Int(samples[layout.index(pixel: offset + i, sample: k)])) < Int(s.radius) {
                count += 1
            }
            let fg = count < Int(s.minMatches)
            mask[i] = fg ? 255 : 0
            foreground += fg ? 1 : 0
        }
        return foreground
    }

    /// `out[i] = pixels[i] + amount`, saturating at 0 and 255.
    public static func shift(_ pixels: UnsafeBufferPointer<UInt8>, by amount: Int, into out: UnsafeMutableBufferPointer<UInt8>) {
        let n = pixels.count
        guard amount != 0 else {
            _ = out.update(fromContentsOf: pixels)
            return
        }
        let px = UnsafeRawPointer(pixels.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        let step = SIMD16<UInt8>(repeating: UInt8(min(255, abs(amount))))
        let zero = SIMD16<UInt8>(repeating: 0), full = SIMD16<UInt8>(repeating: 255)
        var i = 0
        while i + 16 <= n {
            let p = px.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let v: SIMD16<UInt8>
            if amount > 0 {
                let sum = p &+ step
                v = sum.replacing(with: full, where: sum .< p)
            } else {
                v = (p &- step).replacing(with: zero, where: p .< step)
            }
            dst.storeBytes(of: v, toByteOffset: i, as: SIMD16<UInt8>.self)
            i += 16
        }
        if i < n {
            shiftScalar(UnsafeBufferPointer(rebasing: pixels[i...]), by: amount, into: UnsafeMutableBufferPointer(rebasing: out[i...]))
        }
    }

    /// Scalar twin of `shift`.
    public static func shiftScalar(_ pixels: UnsafeBufferPointer<UInt8>, by amount: Int, into out: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0..<pixels.count { out[i] = UInt8(min(255, max(0, Int(pixels[i]) + amount))) }
    }

    /// How long each pixel has stayed still: `still[i]` counts the frames in a row (up to 255) in which it
    /// changed by less than `threshold` (at least 1) from `before`, and starts again at 0 when it moves. Returns
    /// the sum of |pixel - before| (the frame-difference energy).
    public static func stillness(_ pixels: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>,
                                 still: UnsafeMutableBufferPointer<UInt8>, threshold: UInt8) -> Int {
        let n = pixels.count
        let px = UnsafeRawPointer(pixels.baseAddress!), bf = UnsafeRawPointer(before.baseAddress!)
        let st = UnsafeMutableRawPointer(still.baseAddress!)
        // Only `.>` on the vectors: `.>=` and `.==` on SIMD16<UInt8> compile to slow generic code.
        let limitLess = SIMD16<UInt8>(repeating: threshold &- 1), top = SIMD16<UInt8>(repeating: 254)
        let zero = SIMD16<UInt8>(repeating: 0), one = SIMD16<UInt8>(repeating: 1)
        var total = 0
        var i = 0
        while i + 16 <= n {
            // Up to 255 blocks of 16 bytes fit a UInt16 lane sum without overflow.
            var acc = SIMD16<UInt16>(repeating: 0)
            var blocks = 0
            while i + 16 <= n, blocks < 255 {
                let a = px.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let b = bf.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let d = (a &- b).replacing(with: b &- a, where: b .> a)
                acc &+= SIMD16<UInt16>(truncatingIfNeeded: d)
                let s = st.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                // Saturating s + 1 where still, 0 where it moved.
                let next = s &+ one.replacing(with: zero, where: s .> top)
                st.storeBytes(of: next.replacing(with: zero, where: d .> limitLess), toByteOffset: i, as: SIMD16<UInt8>.self)
                i += 16
                blocks += 1
            }
            total += Int(SIMD16<UInt32>(truncatingIfNeeded: acc).wrappedSum())
        }
        if i < n {
            total += stillnessScalar(UnsafeBufferPointer(rebasing: pixels[i...]), before: UnsafeBufferPointer(rebasing: before[i...]),
                                     still: UnsafeMutableBufferPointer(rebasing: still[i...]), threshold: threshold)
        }
        return total
    }

    /// Scalar twin of `stillness`.
    public static func stillnessScalar(_ pixels: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>,
                                       still: UnsafeMutableBufferPointer<UInt8>, threshold: UInt8) -> Int {
        var total = 0
        for i in 0..<pixels.count {
            let d = abs(Int(pixels[i]) - Int(before[i]))
            total += d
            still[i] = d >= Int(threshold) ? 0 : (still[i] == 255 ? 255 : still[i] + 1)
        }
        return total
    }

    /// The rows from the first to the last that hold a non-zero byte (empty when none does).
    public static func rowsWithForeground(_ mask: UnsafeBufferPointer<UInt8>, width: Int) -> Range<Int> {
        guard width > 0 else { return 0..<0 }
        let height = mask.count / width
        func any(_ y: Int) -> Bool {
            let row = UnsafeBufferPointer(rebasing: mask[(y * width)..<((y + 1) * width)])
            let p = UnsafeRawPointer(row.baseAddress!)
            var x = 0, bits: UInt64 = 0
            // Eight bytes at a time, ORed: a row of 320 is 40 loads.
            while x + 8 <= width {
                bits |= p.loadUnaligned(fromByteOffset: x, as: UInt64.self)
                x += 8
            }
            while x < width {
                bits |= UInt64(row[x])
                x += 1
            }
            return bits != 0
        }
        guard let first = (0..<height).first(where: any) else { return 0..<0 }
        let last = (first..<height).last(where: any)!
        return first..<(last + 1)
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
}
