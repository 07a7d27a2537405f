import PresenceCore
import Testing
@testable import PresenceDSP

/// Every SIMD video kernel against its scalar twin on random input (DESIGN.md §8):
/// sizes that are not multiples of the vector width, values across the whole range.
@Suite struct VideoKernelTwinTests {
    static let sizes = [(1, 1), (7, 3), (16, 2), (17, 5), (33, 9), (320, 240), (318, 17)]

    static func random(_ n: Int, _ rng: inout SplitMix64, sparse: Bool = false) -> [UInt8] {
        (0..<n).map { _ in
            let r = rng.next()
            return sparse ? (r % 5 == 0 ? 255 : 0) : UInt8(truncatingIfNeeded: r)
        }
    }

    /// Twenty frames through both, with three settings: backgrounds adapt, flicker counts build up and
    /// some pixels pass the limit; every array and count must agree exactly.
    @Test(arguments: sizes)
    func segmentMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 1000 + height))
        let n = width * height
        let settings = [BackgroundKernels.SegmentSettings(shift: 0, threshold: 18, rate: 1.0 / 64, foregroundRate: 1.0 / 16384,
                                                          jump: 18, decay: 0.9, limit: 2),
                        .init(shift: -12.5, threshold: 6, rate: 0.1, foregroundRate: 0.001, jump: 40, decay: 0.99, limit: 1),
                        .init(shift: 40, threshold: 30, rate: 1.0 / 32, foregroundRate: 0, jump: 0, decay: 0.9, limit: 1.5)]
        for s in settings {
            let start = (0..<n).map { _ in Float(rng.next() % 25600) / 100 }
            var bgA = start, bgB = start
            var maskA = [UInt8](repeating: 7, count: n), maskB = [UInt8](repeating: 9, count: n)
            var prevA = [UInt8](repeating: 0, count: n), prevB = prevA
            var flickA = [Float](repeating: 0, count: n), flickB = flickA
            var before = Self.random(n, &rng)
            for _ in 0..<20 {
                // Pixels near the background (mostly background) with random jumps (foreground, flicker).
                let pixels = (0..<n).map { i in
                    rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : UInt8(min(255, max(0, start[i] + s.shift)))
                }
                let a = Self.segment(pixels, before, &bgA, &maskA, &prevA, &flickA, s, scalar: false)
                let b = Self.segment(pixels, before, &bgB, &maskB, &prevB, &flickB, s, scalar: true)
                #expect(a == b)
                #expect(maskA == maskB && prevA == prevB)
                #expect(bgA == bgB && flickA == flickB, "the SIMD kernel must do the same float operations in the same order")
                #expect(a.kept == maskA.filter { $0 != 0 }.count && a.raw == prevA.filter { $0 != 0 }.count)
                before = pixels
            }
            #expect(flickA.contains { $0 > s.limit } || n < 8)
        }
    }

    static func segment(_ pixels: [UInt8], _ before: [UInt8], _ bg: inout [Float], _ mask: inout [UInt8], _ prev: inout [UInt8],
                        _ flicker: inout [Float], _ s: BackgroundKernels.SegmentSettings, scalar: Bool) -> BackgroundKernels.SegmentCounts {
        pixels.withUnsafeBufferPointer { px in before.withUnsafeBufferPointer { bf in
            bg.withUnsafeMutableBufferPointer { b in mask.withUnsafeMutableBufferPointer { m in
                prev.withUnsafeMutableBufferPointer { p in flicker.withUnsafeMutableBufferPointer { f in
                    scalar ? BackgroundKernels.segmentScalar(px, before: bf, background: b, mask: m, previous: p, flicker: f, s)
                        : BackgroundKernels.segment(px, before: bf, background: b, mask: m, previous: p, flicker: f, s)
                } }
            } }
        } }
    }

    @Test(arguments: sizes)
    func absoluteDifferenceMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(height * 7919 + width))
        let a = Self.random(width * height, &rng), b = Self.random(width * height, &rng)
        let simd = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { BackgroundKernels.absoluteDifferenceSum(x, $0) } }
        let scalar = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { BackgroundKernels.absoluteDifferenceSumScalar(x, $0) } }
        #expect(simd == scalar)
        let mask = Self.random(width * height, &rng, sparse: true)
        #expect(mask.withUnsafeBufferPointer { BackgroundKernels.countSet($0) } == mask.withUnsafeBufferPointer { BackgroundKernels.countSetScalar($0) })
        // All 255 against all 0: the widest lanes must not overflow.
        let full = [UInt8](repeating: 255, count: 70_000), zero = [UInt8](repeating: 0, count: 70_000)
        #expect(full.withUnsafeBufferPointer { x in zero.withUnsafeBufferPointer { BackgroundKernels.absoluteDifferenceSum(x, $0) } } == 255 * 70_000)
    }

    @Test(arguments: sizes)
    func morphologyMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width + 31 * height))
        let mask = Self.random(width * height, &rng, sparse: true).map { $0 == 255 || rng.next() % 2 == 0 ? UInt8(255) : 0 }
        for op in [Morphology.Operation.erode, .dilate] {
            var simd = mask, scalar = mask
            var scratch = [UInt8](repeating: 0, count: mask.count)
            simd.withUnsafeMutableBufferPointer { m in scratch.withUnsafeMutableBufferPointer { Morphology.apply(op, m, scratch: $0, width: width, height: height) } }
            scalar.withUnsafeMutableBufferPointer { Morphology.applyScalar(op, $0, width: width, height: height) }
            #expect(simd == scalar, "\(op) on \(width)x\(height)")
        }
    }

    /// The subtractor opens and searches only the rows that hold foreground: the result must be the
    /// whole frame's, whatever the band.
    @Test(arguments: sizes)
    func workingOnTheForegroundRowsEqualsTheWholeFrame(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 7 + height * 13))
        for _ in 0..<5 {
            let top = Int(rng.next() % UInt64(height + 1)), bottom = top + Int(rng.next() % UInt64(height - top + 1))
            var mask = Self.random(width * height, &rng, sparse: true).map { $0 == 255 || rng.next() % 2 == 0 ? UInt8(255) : 0 }
            for y in 0..<height where y < top || y >= bottom { for x in 0..<width { mask[y * width + x] = 0 } }
            let rows = mask.withUnsafeBufferPointer { BackgroundKernels.rowsWithForeground($0, width: width) }
            let naive = (0..<height).filter { y in (0..<width).contains { mask[y * width + $0] != 0 } }
            #expect(rows == (naive.first.map { $0..<(naive.last! + 1) } ?? 0..<0))

            var whole = mask, banded = mask
            var scratch = [UInt8](repeating: 0, count: mask.count)
            whole.withUnsafeMutableBufferPointer { m in scratch.withUnsafeMutableBufferPointer { Morphology.open(m, scratch: $0, width: width, height: height) } }
            banded.withUnsafeMutableBufferPointer { m in
                let band = UnsafeMutableBufferPointer(rebasing: m[(rows.lowerBound * width)..<(rows.upperBound * width)])
                scratch.withUnsafeMutableBufferPointer { Morphology.open(band, scratch: $0, width: width, height: rows.count) }
            }
            #expect(whole == banded)
            var finder = BlobFinder()
            let a = whole.withUnsafeBufferPointer { finder.largest($0, width: width, height: height) }
            let b = whole.withUnsafeBufferPointer { finder.largest($0, width: width, height: height, rows: rows) }
            #expect(a == b)
        }
    }

    @Test func openingRemovesSpecksAndKeepsBlobs() {
        let w = 40, h = 30
        var mask = [UInt8](repeating: 0, count: w * h)
        mask[5 * w + 5] = 255                                           // a speck
        for y in 10..<20 { for x in 20..<30 { mask[y * w + x] = 255 } }  // a 10x10 blob
        var scratch = [UInt8](repeating: 0, count: w * h)
        mask.withUnsafeMutableBufferPointer { m in scratch.withUnsafeMutableBufferPointer { Morphology.open(m, scratch: $0, width: w, height: h) } }
        #expect(mask[5 * w + 5] == 0)
        #expect(mask.filter { $0 == 255 }.count == 100)
    }

    @Test func theLargestBlobAndItsCentre() {
        let w = 64, h = 48
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 8..<16 { for x in 8..<16 { mask[y * w + x] = 255 } }    // 64 px
        for y in 24..<40 { for x in 40..<56 { mask[y * w + x] = 255 } }  // 256 px, centre (48, 32)
        var finder = BlobFinder()
        let blob = mask.withUnsafeBufferPointer { finder.largest($0, width: w, height: h) }
        #expect(blob?.area == 256 / Float(w * h))
        #expect(abs((blob?.x ?? 0) - 48 / Float(w)) < 0.001 && abs((blob?.y ?? 0) - 32 / Float(h)) < 0.001)
        let none = [UInt8](repeating: 0, count: w * h).withUnsafeBufferPointer { finder.largest($0, width: w, height: h) }
        #expect(none == nil)
    }
}
