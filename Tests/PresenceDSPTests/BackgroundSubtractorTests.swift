import PresenceCore
import Testing
@testable import PresenceDSP

@Suite struct BackgroundSubtractorTests {
    static func frame(_ base: Int, box: (Int, Int, Int, Int, UInt8)? = nil) -> VideoFrame {
        var px = [UInt8](repeating: 0, count: 64 * 48)
        for y in 0..<48 {
            for x in 0..<64 {
                // A textured background, so a global shift is not the same as every pixel looking alike.
                px[y * 64 + x] = UInt8(clamping: base + (x * 3 + y * 2) % 40)
            }
        }
        if let (x0, y0, x1, y1, v) = box {
            for y in y0..<y1 { for x in x0..<x1 { px[y * 64 + x] = v } }
        }
        return VideoFrame(width: 64, height: 48, luma: px)
    }

    @Test func learnsThenFindsAnObjectAndIgnoresALightingStep() {
        let bs = BackgroundSubtractor()
        var mask: [UInt8] = []
        for _ in 0..<20 { _ = bs.process(Self.frame(80), mask: &mask) }
        let object = bs.process(Self.frame(80, box: (10, 10, 26, 30, 250)), mask: &mask)
        #expect(abs(object.foregroundFraction - Float(16 * 20) / Float(64 * 48)) < 0.001)
        #expect(mask[15 * 64 + 15] == 255 && mask[40 * 64 + 60] == 0)

        // A lamp switched on: every pixel 35 levels brighter. Not motion.
        let lamp = bs.process(Self.frame(115), mask: &mask)
        #expect(lamp.foregroundFraction < 0.01)
        #expect(abs(lamp.illuminationShift - 35) <= 1)
        // The mask itself, not only the summary, stays (nearly) empty.
        #expect(Float(mask.count { $0 == 255 }) / Float(mask.count) < 0.01)
    }

    @Test func masksAreZeroWhileLearningAndResetOnSizeChange() {
        let bs = BackgroundSubtractor()
        var mask: [UInt8] = []
        let r = bs.process(Self.frame(80, box: (0, 0, 30, 30, 255)), mask: &mask)
        #expect(r.learning && r.foregroundFraction == 0 && mask.allSatisfy { $0 == 0 } && mask.count == 64 * 48)
        let other = VideoFrame(width: 32, height: 24, luma: [UInt8](repeating: 9, count: 32 * 24))
        let r2 = bs.process(other, mask: &mask)
        #expect(r2.learning && mask.count == 32 * 24)
    }
}
