import Testing
@testable import PresenceService

@Suite struct DaemonHealthTests {
    static let second: UInt64 = 1_000_000_000

    @Test func readyAfterTheFirstTickAliveWhileTicking() {
        let h = DaemonHealth(now: 100 * Self.second)
        #expect(h.status(now: 101 * Self.second) == .init(ready: false, alive: true, text: "starting: no tick yet"))
        #expect(!h.status(now: 131 * Self.second).alive, "no tick within the start limit")
        h.ticked(now: 102 * Self.second)
        #expect(h.status(now: 106 * Self.second) == .init(ready: true, alive: true, text: "ok"))
        let stalled = h.status(now: 108 * Self.second)
        #expect(stalled.ready && !stalled.alive && stalled.text == "pipeline stalled: no tick for 6.0 s")
        h.ticked(now: 108 * Self.second)
        #expect(h.status(now: 108 * Self.second).alive, "alive again once it ticks")
    }
}
