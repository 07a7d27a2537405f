import Testing
@testable import PresenceCore

/// The YUYV luma kernel against its scalar twin on random rows of awkward lengths.
@Suite struct LumaRowsTests {
    @Test(arguments: [0, 1, 15, 16, 17, 33, 320, 641])
    func simdMatchesItsScalarTwin(width: Int) {
        var rng = SplitMix64(seed: UInt64(width + 1))
        // One byte more than needed: the kernel must not read it as a pixel.
        let yuyv = (0..<(2 * width + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var simd = [UInt8](repeating: 1, count: width), scalar = [UInt8](repeating: 2, count: width)
        yuyv.withUnsafeBufferPointer { src in
            simd.withUnsafeMutableBufferPointer { LumaRows.fromYUYV(src, into: $0) }
            scalar.withUnsafeMutableBufferPointer { LumaRows.fromYUYVScalar(src, into: $0) }
        }
        #expect(simd == scalar)
        #expect(simd == (0..<width).map { yuyv[2 * $0] })
    }
}
