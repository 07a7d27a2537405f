/// The per-pixel kernels of the background model, each as SIMD code and as its
/// scalar twin (the tests run both on random input and require the same result,
/// bit for bit: the SIMD code does the same float operations in the same order).
public enum BackgroundKernels {
    /// The settings of one `segment` pass.
    public struct SegmentSettings: Sendable {
        /// The global lighting change of this frame, followed at once by the whole background.
        public var shift: Float
        /// Grey-level difference from the background that makes a pixel foreground.
        public var threshold: Float
        /// Background update rates for background and foreground pixels.
        public var rate: Float
        public var foregroundRate: Float
        /// Frame-to-frame grey-level jump of a foreground pixel that counts as a flicker.
        public var jump: UInt8
        /// Per-frame decay of the flicker counts, and the count above which a pixel is dynamic background.
        public var decay: Float
        public var limit: Float

        public init(shift: Float, threshold: Float, rate: Float, foregroundRate: Float, jump: UInt8, decay: Float, limit: Float) {
            (self.shift, self.threshold, self.rate, self.foregroundRate) = (shift, threshold, rate, foregroundRate)
            (self.jump, self.decay, self.limit) = (jump, decay, limit)
        }
    }

    /// What one `segment` pass counted.
    public struct SegmentCounts: Sendable, Equatable {
        /// Foreground pixels before dynamic background was taken out (a scene change is judged on these).
        public var raw = 0
        /// Foreground pixels left in the mask.
        public var kept = 0
        /// Sum of |pixel - before|: the frame-difference energy.
        public var difference = 0
    }

    /// One pass over a frame does all the per-pixel work of the background model, so each array is read
    /// and written once (separate passes cost a third more):
    /// - classify: `b = background + shift` (the lighting change, followed at once), `d = pixel - b`,
    ///   foreground where `|d| > threshold`, then `background = b + rate * d` (`foregroundRate` for
    ///   foreground pixels);
    /// - dynamic background (a fan's blades, a swaying curtain, a screen): a pixel that keeps changing is
    ///   not an object. `flicker` counts a pixel's changes, with a decay: falling back from foreground to
    ///   background, or staying foreground while its grey level jumps by more than `jump` from `before`
    ///   (blades sweeping past, whose mean the background learned). Where the count passes `limit` the
    ///   pixel is left out of `mask`. A person who sits still changes neither way and stays.
    ///   `previous` holds the last frame's raw foreground and receives this one's.
    /// `mask` receives 255 (foreground) or 0.
    public static func segment(_ pixels: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>,
                               background: UnsafeMutableBufferPointer<Float>, mask: UnsafeMutableBufferPointer<UInt8>,
                               previous: UnsafeMutableBufferPointer<UInt8>, flicker: UnsafeMutableBufferPointer<Float>,
                               _ s: SegmentSettings) -> SegmentCounts {
        let n = pixels.count
        let px = UnsafeRawPointer(pixels.baseAddress!), bf = UnsafeRawPointer(before.baseAddress!)
        let bg = UnsafeMutableRawPointer(background.baseAddress!), m = UnsafeMutableRawPointer(mask.baseAddress!)
        let pv = UnsafeMutableRawPointer(previous.baseAddress!), fl = UnsafeMutableRawPointer(flicker.baseAddress!)
        // Lane sums, added up once at the end (a horizontal sum per 8 pixels costs as much as the rest);
        // a frame of up to 16 M pixels cannot overflow them (255 x 16 M < 2^32).
        var raw = SIMD8<UInt32>(), kept = SIMD8<UInt32>(), difference = SIMD8<UInt32>()
        // Blocks of 2048 pixels, each classified and then cleared of flicker while its bytes are in the
        // L1 cache: one loop doing both needs more vector registers than SSE has and runs slower.
        let whole = n / 8 * 8
        var start = 0
        while start < whole {
            let end = min(whole, start + 2048)
            classifyBlock(px, bg, m, start..<end, s, &raw)
            suppressFlickerBlock(px, bf, m, pv, fl, start..<end, s, &kept, &difference)
            start = end
        }
        var counts = SegmentCounts(raw: Int(raw.wrappedSum()), kept: Int(kept.wrappedSum()), difference: Int(difference.wrappedSum()))
        if whole < n {
            // The tail, fewer than 8 pixels, the scalar way.
            let tail = segmentScalar(UnsafeBufferPointer(rebasing: pixels[whole...]), before: UnsafeBufferPointer(rebasing: before[whole...]),
                                     background: UnsafeMutableBufferPointer(rebasing: background[whole...]),
                                     mask: UnsafeMutableBufferPointer(rebasing: mask[whole...]),
                                     previous: UnsafeMutableBufferPointer(rebasing: previous[whole...]),
                                     flicker: UnsafeMutableBufferPointer(rebasing: flicker[whole...]), s)
            counts.raw += tail.raw
            counts.kept += tail.kept
            counts.difference += tail.difference
        }
        return counts
    }

    /// Classification and background update of pixels `range` (a multiple of 8 long); the raw mask goes to `mask`.
    @inline(never)
    private static func classifyBlock(_ px: UnsafeRawPointer, _ bg: UnsafeMutableRawPointer, _ m: UnsafeMutableRawPointer,
                                      _ range: Range<Int>, _ s: SegmentSettings, _ raw: inout SIMD8<UInt32>) {
        let shiftV = SIMD8<Float>(repeating: s.shift), thrV = SIMD8<Float>(repeating: s.threshold)
        let rateV = SIMD8<Float>(repeating: s.rate), fgRateV = SIMD8<Float>(repeating: s.foregroundRate)
        var count = SIMD8<Int32>()
        var i = range.lowerBound
        while i < range.upperBound {
            let p = SIMD8<Float>(px.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self))
            let b = bg.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) + shiftV
            let d = p - b
            let fg = (d .> thrV) .| (d .< -thrV)
            bg.storeBytes(of: b + rateV.replacing(with: fgRateV, where: fg) * d, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            let now = SIMD8<Int32>(repeating: 0).replacing(with: 255, where: fg)
            m.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: now), toByteOffset: i, as: SIMD8<UInt8>.self)
            count &+= now & 1
            i += 8
        }
        raw &+= SIMD8<UInt32>(truncatingIfNeeded: count)
    }

    /// Flicker counting and suppression of pixels `range` (a multiple of 8 long), on the raw mask in `mask`.
    @inline(never)
    private static func suppressFlickerBlock(_ px: UnsafeRawPointer, _ bf: UnsafeRawPointer, _ m: UnsafeMutableRawPointer,
                                             _ pv: UnsafeMutableRawPointer, _ fl: UnsafeMutableRawPointer, _ range: Range<Int>,
                                             _ s: SegmentSettings, _ kept: inout SIMD8<UInt32>, _ difference: inout SIMD8<UInt32>) {
        let decayV = SIMD8<Float>(repeating: s.decay), limitV = SIMD8<Float>(repeating: s.limit)
        let jumpV = SIMD8<UInt8>(repeating: s.jump)
        var keptHere = SIMD8<UInt32>(), differenceHere = SIMD8<UInt32>()
        var i = range.lowerBound
        while i < range.upperBound {
            let now = m.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            let was = pv.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            pv.storeBytes(of: now, toByteOffset: i, as: SIMD8<UInt8>.self)
            let a = px.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self), z = bf.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)
            // |a - z| without a branch: whichever wrapping difference is the right one
            // (the stdlib's pointwiseMax/Min are lane loops, not vector instructions).
            let change = (a &- z).replacing(with: z &- a, where: z .> a)
            differenceHere &+= SIMD8<UInt32>(truncatingIfNeeded: change)
            let jumped = SIMD8<UInt8>(repeating: 0).replacing(with: 255, where: change .> jumpV)
            let changed = was & (~now | (now & jumped)) & 1
            let f = fl.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * decayV + SIMD8<Float>(changed)
            fl.storeBytes(of: f, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            let keep = SIMD8<UInt8>(truncatingIfNeeded: SIMD8<Int32>(repeating: 255).replacing(with: 0, where: f .> limitV))
            let out = now & keep
            m.storeBytes(of: out, toByteOffset: i, as: SIMD8<UInt8>.self)
            keptHere &+= SIMD8<UInt32>(truncatingIfNeeded: out & 1)
            i += 8
        }
        kept &+= keptHere
        difference &+= differenceHere
    }

    /// Scalar twin of `segment`: the same float operations in the same order, so the results agree bit for bit.
    public static func segmentScalar(_ pixels: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>,
                                     background: UnsafeMutableBufferPointer<Float>, mask: UnsafeMutableBufferPointer<UInt8>,
                                     previous: UnsafeMutableBufferPointer<UInt8>, flicker: UnsafeMutableBufferPointer<Float>,
                                     _ s: SegmentSettings) -> SegmentCounts {
        var counts = SegmentCounts()
        for i in 0..<pixels.count {
            let b = background[i] + s.shift
            let d = Float(pixels[i]) - b
            let fg = d > s.threshold || d < -s.threshold
            background[i] = b + (fg ? s.foregroundRate : s.rate) * d
            counts.raw += fg ? 1 : 0

            let change = abs(Int(pixels[i]) - Int(before[i]))
            counts.difference += change
            let changed: Float = previous[i] != 0 && (!fg || change > Int(s.jump)) ? 1 : 0
            previous[i] = fg ? 255 : 0
            flicker[i] = flicker[i] * s.decay + changed
            mask[i] = fg && !(flicker[i] > s.limit) ? 255 : 0
            counts.kept += mask[i] != 0 ? 1 : 0
        }
        return counts
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

    /// Scalar twin of `absoluteDifferenceSum`.
    public static func absoluteDifferenceSumScalar(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var total = 0
        for i in 0..<min(a.count, b.count) { total += abs(Int(a[i]) - Int(b[i])) }
        return total
    }
}
