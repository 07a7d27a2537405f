import Foundation
import Testing
@testable import PresenceDSP

@Suite struct NoiseFloorTests {
    static let rise: Float = 3.0 / 62.5

    @Test func aSilentWindowBarelyMovesTheFloorAndASustainedQuietDropsIt() {
        var floor = NoiseFloor()
        let steady: Float = 1e-5  // -50 dB
        for _ in 0..<100 { _ = floor.update(power: steady, rise: Self.rise) }
        #expect(abs(floor.level - (-50)) < 0.01)
        // One silent window (a splice, an overrun filled with zeros): a quarter of the power gone at most.
        let dipped = floor.update(power: 0, rise: Self.rise)
        #expect(dipped > -50 - 1.3)
        // Quiet for good (-70 dB): the floor follows within the span (a little lower, the silent window
        // having been part of one of those moments).
        for _ in 0..<NoiseFloor.span { _ = floor.update(power: 1e-7, rise: Self.rise) }
        #expect(floor.level <= -70 && floor.level > -71.3)
    }

    @Test func risesAtTheGivenRateOnly() {
        var floor = NoiseFloor()
        for _ in 0..<10 { _ = floor.update(power: 1e-7, rise: Self.rise) }
        for _ in 0..<62 { _ = floor.update(power: 1e-3, rise: Self.rise) }
        // About a second of a 40 dB louder sound: the floor rose by 3 dB, not 40.
        #expect(abs(floor.level - (-70 + 62 * Self.rise)) < 0.01)
    }

    @Test func startsFromTheMeanOfTheFirstWindowsNotASilentFirstOne() {
        var floor = NoiseFloor()
        _ = floor.update(power: 0, rise: Self.rise)
        for _ in 1..<NoiseFloor.span { _ = floor.update(power: 1e-5, rise: Self.rise) }
        #expect(floor.level > -52)
    }
}
