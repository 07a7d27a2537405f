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

    @Test(arguments: sizes)
    func classifyMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 1000 + height))
        let n = width * height
        let pixels = Self.random(n, &rng)
        let start = (0..<n).map { _ in Float(rng.next() % 25600) / 100 }
        for (shift, threshold) in [(Float(0), Float(18)), (-12.5, 6), (40, 30)] {
            var bgSIMD = start, bgScalar = start
            var maskSIMD = [UInt8](repeating: 7, count: n), maskScalar = [UInt8](repeating: 9, count: n)
            let a = pixels.withUnsafeBufferPointer { px in
                bgSIMD.withUnsafeMutableBufferPointer { bg in
                    maskSIMD.withUnsafeMutableBufferPointer { m in
                        BackgroundKernels.classify(px, background: bg, mask: m, shift: shift, threshold: threshold, rate: 1.0 / 64, foregroundRate: 1.0 / 16384)
                    }
                }
            }
            let b = pixels.withUnsafeBufferPointer { px in
                bgScalar.withUnsafeMutableBufferPointer { bg in
                    maskScalar.withUnsafeMutableBufferPointer { m in
                        BackgroundKernels.classifyScalar(px, background: bg, mask: m, shift: shift, threshold: threshold, rate: 1.0 / 64, foregroundRate: 1.0 / 16384)
                    }
                }
            }
            #expect(a == b && maskSIMD == maskScalar)
            #expect(bgSIMD == bgScalar, "the SIMD kernel must do the same float operations in the same order")
        }
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

    @Test(arguments: sizes)
    func flickerSuppressionMatchesItsScalarTwin(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(3 * width + height))
        let n = width * height
        var maskA = [UInt8](repeating: 0, count: n), prevA = maskA, flickA = [Float](repeating: 0, count: n)
        var maskB = maskA, prevB = maskA, flickB = flickA
        var before = Self.random(n, &rng)
        // Twenty frames of random masks and pixels: counts build up, some pixels pass the limit.
        for _ in 0..<20 {
            let raw = Self.random(n, &rng, sparse: true).map { $0 == 255 || rng.next() % 3 == 0 ? UInt8(255) : 0 }
            let pixels = Self.random(n, &rng)
            maskA = raw
            maskB = raw
            pixels.withUnsafeBufferPointer { px in before.withUnsafeBufferPointer { bf in
                maskA.withUnsafeMutableBufferPointer { m in prevA.withUnsafeMutableBufferPointer { p in flickA.withUnsafeMutableBufferPointer {
                    BackgroundKernels.suppressFlicker(m, previous: p, pixels: px, before: bf, flicker: $0, threshold: 18, decay: 0.9, limit: 2)
                } } }
                maskB.withUnsafeMutableBufferPointer { m in prevB.withUnsafeMutableBufferPointer { p in flickB.withUnsafeMutableBufferPointer {
                    BackgroundKernels.suppressFlickerScalar(m, previous: p, pixels: px, before: bf, flicker: $0, threshold: 18, decay: 0.9, limit: 2)
                } } }
            } }
            #expect(maskA == maskB && prevA == prevB && flickA == flickB)
            before = pixels
        }
        #expect(flickA.contains { $0 > 2 } || n < 8)
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
