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

    /// Frames classified against random samples, with radii and match counts that decide after two samples or
    /// need them all: masks and counts agree.
    @Test(arguments: sizes)
    func matchMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 1000 + height))
        let n = width * height
        for (radius, minMatches, sampleCount) in [(10, 2, 20), (20, 2, 20), (8, 5, 7), (30, 1, 3), (1, 3, 4)] {
            let layout = BackgroundKernels.SampleLayout(pixels: n, count: sampleCount)
            let samples = (0..<layout.storage).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 == 0 ? rng.next() : 128 &+ rng.next() % 9) }
            let pixels = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 2 == 0 ? rng.next() : 128 &+ rng.next() % 9) }
            let s = BackgroundKernels.MatchSettings(radius: UInt8(radius), minMatches: UInt8(minMatches))
            var maskA = [UInt8](repeating: 7, count: n), maskB = [UInt8](repeating: 9, count: n)
            let a = pixels.withUnsafeBufferPointer { px in samples.withUnsafeBufferPointer { sm in
                maskA.withUnsafeMutableBufferPointer { BackgroundKernels.match(px, samples: sm, layout: layout, mask: $0, s) } } }
            let b = pixels.withUnsafeBufferPointer { px in samples.withUnsafeBufferPointer { sm in
                maskB.withUnsafeMutableBufferPointer { BackgroundKernels.matchScalar(px, samples: sm, layout: layout, mask: $0, s) } } }
            #expect(a == b && maskA == maskB, "radius \(radius) on \(width)x\(height)")
            #expect(a == maskA.count { $0 == 255 } && maskA.allSatisfy { $0 == 0 || $0 == 255 })
        }
    }

    /// Every sample of every pixel has a place of its own inside the storage, for any size and sample count.
    @Test func theSampleLayoutIsOneToOne() {
        for (pixels, count) in [(1, 1), (17, 3), (16, 4), (33, 20), (320 * 240, 20), (100, 7)] {
            let layout = BackgroundKernels.SampleLayout(pixels: pixels, count: count)
            var seen = Set<Int>()
            for i in 0..<pixels { for k in 0..<count { seen.insert(layout.index(pixel: i, sample: k)) } }
            #expect(seen.count == pixels * count && seen.allSatisfy { $0 >= 0 && $0 < layout.storage })
        }
    }

    /// Twenty frames of stillness counting (saturating at 255 too): the counters and the difference sums agree.
    @Test(arguments: sizes)
    func stillnessMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 31 + height))
        let n = width * height
        var stillA = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 == 0 ? 250 &+ rng.next() % 6 : rng.next() % 20) }
        var stillB = stillA
        var before = Self.random(n, &rng)
        for _ in 0..<20 {
            // A quarter of the pixels never move (their counters saturate); the rest move a little or jump.
            let pixels = before.enumerated().map { i, v in
                i % 4 == 0 ? v : rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : v &+ UInt8(rng.next() % 5)
            }
            let a = pixels.withUnsafeBufferPointer { px in before.withUnsafeBufferPointer { bf in
                stillA.withUnsafeMutableBufferPointer { BackgroundKernels.stillness(px, before: bf, still: $0, threshold: 4) } } }
            let b = pixels.withUnsafeBufferPointer { px in before.withUnsafeBufferPointer { bf in
                stillB.withUnsafeMutableBufferPointer { BackgroundKernels.stillnessScalar(px, before: bf, still: $0, threshold: 4) } } }
            #expect(a == b && stillA == stillB)
            before = pixels
        }
        #expect(stillA.contains(255) || n < 16, "some counters saturated")
        // All 255 against all 0: the widest lanes must not overflow.
        let full = [UInt8](repeating: 255, count: 70_000), zero = [UInt8](repeating: 0, count: 70_000)
        var counters = [UInt8](repeating: 3, count: 70_000)
        let sum = full.withUnsafeBufferPointer { x in zero.withUnsafeBufferPointer { z in
            counters.withUnsafeMutableBufferPointer { BackgroundKernels.stillness(x, before: z, still: $0, threshold: 10) } } }
        #expect(sum == 255 * 70_000 && counters.allSatisfy { $0 == 0 })
    }

    @Test(arguments: sizes)
    func countSetMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(height * 7919 + width))
        let mask = Self.random(width * height, &rng, sparse: true)
        #expect(mask.withUnsafeBufferPointer { BackgroundKernels.countSet($0) } == mask.withUnsafeBufferPointer { BackgroundKernels.countSetScalar($0) })
    }

    @Test(arguments: sizes)
    func medianMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width + 31 * height))
        for _ in 0..<3 {
            let mask = Self.random(width * height, &rng, sparse: true).map { $0 == 255 || rng.next() % 2 == 0 ? UInt8(255) : 0 }
            var simd = mask, scalar = mask
            var scratch = [UInt8](repeating: 0, count: mask.count)
            simd.withUnsafeMutableBufferPointer { m in scratch.withUnsafeMutableBufferPointer { Morphology.median(m, scratch: $0, width: width, height: height) } }
            scalar.withUnsafeMutableBufferPointer { Morphology.medianScalar($0, width: width, height: height) }
            #expect(simd == scalar, "\(width)x\(height)")
        }
    }

    /// The subtractor filters regions and searches blobs only in the rows that hold foreground: the result must
    /// be the whole frame's, whatever the band.
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
            var filter = ComponentFilter()
            let keptWhole = whole.withUnsafeMutableBufferPointer { filter.filter($0, width: width, height: height, rows: 0..<height, minimumArea: 4) }
            let keptBanded = banded.withUnsafeMutableBufferPointer { filter.filter($0, width: width, height: height, rows: rows, minimumArea: 4) }
            #expect(whole == banded && keptWhole == keptBanded && keptWhole == whole.count { $0 == 255 })
            var finder = BlobFinder()
            let a = whole.withUnsafeBufferPointer { finder.largest($0, width: width, height: height) }
            let b = whole.withUnsafeBufferPointer { finder.largest($0, width: width, height: height, rows: rows) }
            #expect(a == b)
        }
    }

    @Test func theMedianRemovesSpecksAndTheFilterSmallRegions() {
        let w = 40, h = 30
        var mask = [UInt8](repeating: 0, count: w * h)
        mask[5 * w + 5] = 255                                            // a speck
        for y in 10..<20 { for x in 20..<30 { mask[y * w + x] = 255 } }  // a 10x10 blob
        for y in 2..<5 { for x in 30..<33 { mask[y * w + x] = 255 } }    // a 3x3 region
        mask[15 * w + 25] = 0                                            // a pinhole in the blob
        var scratch = [UInt8](repeating: 0, count: w * h)
        mask.withUnsafeMutableBufferPointer { m in scratch.withUnsafeMutableBufferPointer { Morphology.median(m, scratch: $0, width: w, height: h) } }
        #expect(mask[5 * w + 5] == 0 && mask[15 * w + 25] == 255, "the speck gone, the pinhole filled")
        // A median rounds a square's corners: 96 of the blob's 100, 5 of the 3x3 region's 9.
        #expect(mask.count { $0 == 255 } == 96 + 5)
        var filter = ComponentFilter()
        let kept = mask.withUnsafeMutableBufferPointer { filter.filter($0, width: w, height: h, rows: 0..<h, minimumArea: 10) }
        #expect(kept == 96 && mask.count { $0 == 255 } == 96 && mask[3 * w + 31] == 0)
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
