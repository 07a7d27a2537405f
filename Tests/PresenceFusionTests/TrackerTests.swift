import PresenceCore
import Testing
@testable import PresenceFusion

@Suite struct TrackerTests {
    static let ms = Nanos.perMillisecond
    static let params = Tracker.Parameters(onThreshold: 0.6, offThreshold: 0.4, onLatency: 300 * ms, hold: 2000 * ms)

    /// Feeds p per 100 ms tick; returns (tick index, new state) for each change.
    static func run(_ ps: [Double]) -> [(Int, Bool)] {
        var t = Tracker(parameters: params)
        return ps.enumerated().compactMap { i, p in t.update(t: Int64(i) * 100 * ms, probability: p).map { (i, $0) } }
    }

    @Test func needsOnLatencyBeforeOccupied() {
        #expect(Self.run([0.9, 0.9, 0.9, 0.1]).isEmpty)
        let changes = Self.run([0.1, 0.9, 0.9, 0.9, 0.9])
        #expect(changes.count == 1 && changes[0] == (4, true))
    }

    @Test func holdsThroughQuietAndHysteresis() {
        // Occupied at tick 3; p then sits between the thresholds (no change), then drops.
        let ps = [0.9, 0.9, 0.9, 0.9] + Array(repeating: 0.5, count: 30) + Array(repeating: 0.1, count: 25)
        let changes = Self.run(ps)
        #expect(changes.count == 2)
        #expect(changes[0] == (3, true))
        // Last evidence at tick 33 (p = 0.5 >= off); vacant 2 s later, at tick 53.
        #expect(changes[1] == (53, false))
    }

    @Test func blipsBelowOffDoNotEndOccupancyWithinHold() {
        var ps = Array(repeating: 0.9, count: 5)
        for _ in 0..<5 { ps += Array(repeating: 0.1, count: 15) + [0.8] }
        #expect(Self.run(ps).map(\.1) == [true])
    }
}
