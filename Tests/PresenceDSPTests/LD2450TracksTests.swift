import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceDSP

/// An LD2450 without a calibration: its targets count as people once they walked in; ghosts, fans and vibrating
/// appliances never went anywhere and do not; a person the module loses as they sit down and finds again counts at
/// once, a ghost by the door after someone walked out past it does not; and a place held for hours is learned.
@Suite struct LD2450TracksTests {
    static func target(_ x: Float, _ y: Float, speed: Int16 = 0) -> LD2450Target {
        LD2450Target(xMm: Int16(x * 1000), yMm: Int16(y * 1000), speedCmS: speed, resolutionMm: 360)
    }

    /// Feeds one report and closes its tick; returns the people it counts (bit n: slot n).
    static func feed(_ tracks: inout LD2450Tracks, _ targets: [LD2450Target], room: RoomBelief = .occupied) -> UInt8 {
        let people = tracks.observe(LD2450Targets(targets)) { _ in false }
        tracks.adapt(room, seconds: 0.1)
        return people
    }

    @Test func ghostsFansAndVibratingAppliancesNeverCount() {
        var tracks = LD2450Tracks()
        var counted = 0
        for k in 0..<3000 {
            let jitter = Float(k % 7 - 3) / 100
            var targets: [LD2450Target] = []
            if k % 10 < 6 { targets.append(Self.target(1.2 + jitter, 2.0 - jitter)) }  // a radiator, 60 % of reports
            if k % 3 == 0 { targets.append(Self.target(-0.8 + jitter, 1.9, speed: Int16(k % 11 * 8 - 40))) }  // a fan
            if k % 5 < 2 { targets.append(Self.target(1.6 - jitter, 2.3, speed: 25)) }  // a vibrating pump 0.5 m away
            counted += Self.feed(&tracks, targets).nonzeroBitCount
        }
        #expect(counted == 0)
    }

    @Test func someoneWhoWalksInCountsAndIsFoundAgainAfterBeingLost() {
        var tracks = LD2450Tracks()
        let walk = LD2450Walks.walkIn(to: [(0.5, 2.5)], reports: 40)
        let people = walk.map { Self.feed(&tracks, Array($0)) }
        #expect(people.prefix(5).allSatisfy { $0 == 0 }, "not yet: nobody has gone anywhere")
        #expect(people.suffix(25).allSatisfy { $0 == 1 }, "\(people)")
        // Lost for five seconds as they settle, then found a few centimetres away: the same person.
        for _ in 0..<50 { _ = Self.feed(&tracks, []) }
        #expect(Self.feed(&tracks, [Self.target(0.55, 2.45)]) == 1)
        // Lost right as they stopped walking (never seen standing), found again two metres from anywhere else.
        var other = LD2450Tracks()
        for r in LD2450Walks.walkIn(to: [(-1, 3)], reports: 15) { _ = Self.feed(&other, Array(r)) }
        for _ in 0..<40 { _ = Self.feed(&other, []) }
        #expect(Self.feed(&other, [Self.target(-1, 3.05)]) == 1, "where they were lost, within a minute")
    }

    /// A ghost by the door, seen before anyone came in: someone who walks out past it and is lost there does not
    /// make it a person.
    @Test func aGhostByTheDoorStaysAGhostAfterSomeoneWalksOutPastIt() {
        var tracks = LD2450Tracks()
        let door = Self.target(-2.4, 4.0)
        for _ in 0..<100 { _ = Self.feed(&tracks, [door]) }
        // Someone walks from the middle of the room to the door and out: lost at the door.
        for k in 0..<20 {
            let f = Float(k) / 19
            _ = Self.feed(&tracks, [Self.target(0.5 - 2.8 * f, 2.5 + 1.4 * f, speed: 90)])
        }
        for _ in 0..<30 { _ = Self.feed(&tracks, []) }
        #expect((0..<100).allSatisfy { _ in Self.feed(&tracks, [door]) == 0 })
    }

    /// Sitting still with nothing but the radar: counted for 3 hours, then learned (the README's limit); with the
    /// camera or the microphone confirming the room empty, 10 minutes. Walking again counts again.
    @Test func aPlaceHeldForHoursBecomesTheRooms() {
        func sit(minutes: Int, room: RoomBelief) -> [UInt8] {
            var tracks = LD2450Tracks()
            for r in LD2450Walks.walkIn(to: [(0.5, 2.5)], reports: 20) { _ = Self.feed(&tracks, Array(r)) }
            var people = (0..<(minutes * 600)).map { _ in Self.feed(&tracks, [Self.target(0.5, 2.5)], room: room) }
            // Then they get up and walk a metre.
            people += (0..<15).map { k in Self.feed(&tracks, [Self.target(0.5, 2.5 + Float(k) / 15, speed: 70)], room: room) }
            return people
        }
        let radarAlone = sit(minutes: 181, room: .occupied)
        #expect(radarAlone[0..<(179 * 600)].allSatisfy { $0 == 1 })
        #expect(radarAlone[(180 * 600 + 10)..<(181 * 600)].allSatisfy { $0 == 0 })
        #expect(radarAlone.last == 1, "walked again")
        let confirmed = sit(minutes: 11, room: .confirmedEmpty)
        #expect(confirmed[0..<(9 * 600)].allSatisfy { $0 == 1 })
        #expect(confirmed[(10 * 600 + 10)..<(11 * 600)].allSatisfy { $0 == 0 })
    }
}
