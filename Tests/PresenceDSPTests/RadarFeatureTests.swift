import Foundation
import PresenceCore
import Testing
@testable import PresenceDSP

/// The radar's breathing band and its empty-room baseline, on synthetic reports.
@Suite struct RadarFeatureTests {
    static func report(moving: [UInt8], still: [UInt8]) -> RadarReport {
        .ld2410(LD2410Report(targetState: 3, movingDistanceCm: 150, movingEnergy: moving.max()!, stillDistanceCm: 150,
                             stillEnergy: still.max()!, detectionDistanceCm: 150, movingGateEnergies: GateEnergies(moving), stillGateEnergies: GateEnergies(still)))
    }

    @Test func breathingShowsAsPowerAtAQuarterHertz() {
        var rng = SplitMix64(seed: 1)
        func run(breathing: Bool) -> RadarFeatureExtractor.TickSummary {
            let radar = RadarFeatureExtractor()
            var last = RadarFeatureExtractor.TickSummary()
            for tick in 0..<300 {
                let t = Double(tick) / 10
                let noise = Float(rng.next() % 5)
                // The room's first second is empty (it sets the level), then someone is there.
                let still = tick < 10 ? 5 + noise : 50 + (breathing ? 8 * Float(sin(2 * Double.pi * 0.25 * t)) : 0) + noise
                radar.process(Self.report(moving: [UInt8](repeating: 5, count: 9), still: [0, 0] + [UInt8](repeating: UInt8(still), count: 7)))
                last = radar.takeTickSummary()
            }
            return last
        }
        let asleep = run(breathing: true), nobody = run(breathing: false)
        #expect(asleep.breathingShare > 0.6, "\(asleep.breathingShare)")
        #expect(nobody.breathingShare < 0.3, "\(nobody.breathingShare)")
        // 8 units of sine amplitude is about 5.7 RMS.
        #expect(asleep.breathingAmplitude > 4 && asleep.breathingAmplitude < 8, "\(asleep.breathingAmplitude)")
    }

    @Test func whatTheRoomShowsInItsFirstSecondIsItsBackground() {
        let radar = RadarFeatureExtractor()
        // A fan at gate 3 and a cupboard at gate 2 (still 55, above the factory's 40), there from the start.
        var fan = [UInt8](repeating: 3, count: 9), cupboard = [UInt8](repeating: 5, count: 9)
        (fan[3], cupboard[2]) = (40, 55)
        for _ in 0..<100 {
            radar.process(Self.report(moving: fan, still: cupboard))
            let tick = radar.takeTickSummary()
            #expect(tick.movingExcess == 0 && tick.stillExcess == 0, "\(tick)")
            #expect(tick.overGateThreshold == 1, "the factory thresholds see a target, as ESPHome would")
        }
        // A person walking at gate 5 stands out (over the level 3 and the default spread 4); the fan does not.
        var person = fan
        person[5] = 60
        radar.process(Self.report(moving: person, still: cupboard))
        #expect(abs(radar.takeTickSummary().movingExcess - 53) < 0.01)
    }
}

/// How the per-gate level adapts to a room nobody calibrated, reports fed straight to it (hours of them).
@Suite struct GateBaselineTests {
    /// Gate 4's still energy `value`, the other gates a quiet room.
    static func feed(_ baseline: inout GateBaseline, still4 value: Float, room: RoomBelief) -> Float {
        var still = [UInt8](repeating: 5, count: 9)
        still[4] = UInt8(max(0, min(100, value.rounded())))
        let e = baseline.excess(moving: GateEnergies([UInt8](repeating: 4, count: 9)), still: GateEnergies(still))
        baseline.adapt(room)
        return e.still
    }

    @Test func someoneSittingStillForAnHourIsNotLearnedAway() {
        var b = GateBaseline()
        for _ in 0..<10 { _ = Self.feed(&b, still4: 5, room: .vacant) }
        // 50 ± 8 breathing at gate 4 for an hour at 10 reports a second, the room said occupied.
        var last: Float = 0
        for k in 0..<36_000 {
            last = Self.feed(&b, still4: 50 + 8 * Float(sin(Double(k) * 2 * .pi / 40)), room: .occupied)
        }
        // The level rose by at most 15 units in the hour: the person is still well over it.
        #expect(b.level[9 + 4] <= 5 + 15 + 0.01, "\(b.level[9 + 4])")
        #expect(last >= 20, "\(last)")
    }

    @Test func aGhostThatNeverChangesFades() {
        var b = GateBaseline()
        for _ in 0..<10 { _ = Self.feed(&b, still4: 5, room: .vacant) }
        // Something new reflects at gate 4 (a moved chair): 35 units, for good. Said occupied, it is still there
        // after an hour, and gone within three.
        var excess: [Float] = []
        for k in 0..<(3 * 36_000) {
            let e = Self.feed(&b, still4: 40, room: .occupied)
            if k % 36_000 == 35_999 { excess.append(e) }
        }
        #expect(excess[0] > 10 && excess[2] == 0, "\(excess)")
        // With the camera or the microphone confirming nobody is there, a new one is learned within minutes.
        var c = GateBaseline()
        for _ in 0..<10 { _ = Self.feed(&c, still4: 5, room: .vacant) }
        var e: Float = 1
        for _ in 0..<(5 * 600) { e = Self.feed(&c, still4: 40, room: .confirmedEmpty) }
        #expect(e == 0, "after five minutes confirmed empty: \(e)")
    }

    @Test func someoneThereAtTheStartIsLearnedUntilTheyLeave() {
        var b = GateBaseline()
        for _ in 0..<10 { _ = Self.feed(&b, still4: 50, room: .vacant) }
        #expect(Self.feed(&b, still4: 50, room: .vacant) == 0, "the first second is the room")
        // They leave: the level falls (nine times its rise, 540 units an hour while vacant) within five minutes,
        // and the next person at gate 4 stands out again.
        for _ in 0..<(5 * 600) { _ = Self.feed(&b, still4: 5, room: .vacant) }
        #expect(b.level[9 + 4] < 6, "\(b.level[9 + 4])")
        #expect(Self.feed(&b, still4: 50, room: .vacant) > 35)
    }

    @Test func theSpreadIsLearnedOnlyFromAConfirmedEmptyRoom() {
        var b = GateBaseline()
        #expect(b.spread(9 + 4) == GateBaseline.defaultSpread)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<1200 { _ = Self.feed(&b, still4: 20 + Float(rng.next() % 21) - 10, room: .confirmedEmpty) }
        // Uniform over 10-30: standard deviation 6.06.
        #expect(abs(b.spread(9 + 4) - 6.06) < 0.8, "\(b.spread(9 + 4))")
        var c = GateBaseline()
        for _ in 0..<1200 { _ = Self.feed(&c, still4: 20 + Float(rng.next() % 21) - 10, room: .vacant) }
        #expect(c.spread(9 + 4) == GateBaseline.defaultSpread, "vacant by the radar alone teaches no spread")
    }
}

/// The empty room learned by `presenced calibrate`: what the calibrator learns, and the radar's excess features
/// measured against it from the first report.
@Suite struct RadarCalibrationTests {
    @Test func theCalibratorLearnsEachGatesMeanAndSpread() throws {
        var calibrator = RadarCalibrator()
        // Gate 2's still energy alternates 50 / 70 (a monitor's reflection); the rest is steady.
        for k in 0..<100 {
            var still = [UInt8](repeating: 4, count: 9)
            still[2] = k % 2 == 0 ? 50 : 70
            guard case .ld2410(let r) = RadarFeatureTests.report(moving: [UInt8](repeating: 6, count: 9), still: still) else { return }
            calibrator.add(r, at: Int64(k) * 100_000_000)
        }
        // A second recording a day later: its 10 reports add their own second, not the day between.
        for k in 0..<10 {
            guard case .ld2410(let r) = RadarFeatureTests.report(moving: [UInt8](repeating: 6, count: 9),
                                                                 still: [4, 4, 60, 4, 4, 4, 4, 4, 4]) else { return }
            calibrator.add(r, at: 86_400_000_000_000 + Int64(k) * 100_000_000)
        }
        let c = try #require(calibrator.calibration())
        #expect(c.reports == 110 && abs(c.seconds - 10.8) < 1e-6 && c.sensor == .ld2410 && c.problem == nil, "\(c.seconds) s")
        #expect(abs(c.stillMean[2] - 60) < 1e-4 && abs(c.stillSpread[2] - 9.58) < 0.01, "\(c.stillMean[2]) ± \(c.stillSpread[2])")
        #expect(c.movingMean.allSatisfy { abs($0 - 6) < 1e-4 } && c.movingSpread.allSatisfy { $0 == 0 })
        #expect(RadarCalibrator().calibration() == nil, "nothing learned from nothing")
    }

    @Test func aCalibratedRoomsClutterIsNotExcessFromTheFirstReport() {
        // The room's still energy at gate 2 is 60 ± 5: above the LD2410's factory threshold, and nobody is there.
        var stillMean = [Float](repeating: 4, count: 9), stillSpread = [Float](repeating: 1, count: 9)
        (stillMean[2], stillSpread[2]) = (60, 5)
        let calibration = RadarCalibration(sensor: .ld2410, movingMean: [Float](repeating: 6, count: 9),
                                           movingSpread: [Float](repeating: 1, count: 9), stillMean: stillMean,
                                           stillSpread: stillSpread, reports: 600, seconds: 60)
        /// The still excess of the first tick of a calibrated and an uncalibrated extractor given `still`.
        func firstTick(still: [UInt8]) -> (calibrated: Float, uncalibrated: Float) {
            let report = RadarFeatureTests.report(moving: [UInt8](repeating: 6, count: 9), still: still)
            let calibrated = RadarFeatureExtractor(calibration: calibration), uncalibrated = RadarFeatureExtractor()
            calibrated.process(report)
            uncalibrated.process(report)
            return (calibrated.takeTickSummary().stillExcess, uncalibrated.takeTickSummary().stillExcess)
        }
        var clutter = [UInt8](repeating: 4, count: 9)
        clutter[2] = 65
        let empty = firstTick(still: clutter)
        #expect(empty.calibrated == 0)
        #expect(empty.uncalibrated == 0, "without a calibration the first second is the room")
        // Someone already sitting at gate 4 when the daemon starts: only the calibration knows the room without them
        // (level 4 + 1.28, spread 1).
        var person = clutter
        person[4] = 50
        let atStart = firstTick(still: person)
        #expect(atStart.uncalibrated == 0)
        #expect(abs(atStart.calibrated - 43.72) < 0.01)
    }

    @Test func theGateThresholdsAreTheFactorysRaisedWhereTheRoomNeedsIt() {
        // Gate 2's still energy is 55 ± 4 in the empty room: threshold 55 + 12 + 5 = 72; gate 3 moving 30 ± 2:
        // 41 over the factory's 30. Quiet gates keep the factory's; still gates 0 and 1 have none.
        var stillMean = [Float](repeating: 4, count: 9), movingMean = [Float](repeating: 3, count: 9)
        (stillMean[2], movingMean[3], stillMean[0]) = (55, 30, 90)
        let c = RadarCalibration(sensor: .ld2410, movingMean: movingMean, movingSpread: [Float](repeating: 2, count: 9),
                                 stillMean: stillMean, stillSpread: [Float](repeating: 4, count: 9), reports: 600, seconds: 60)
        let t = c.gateThresholds
        #expect(t.still == [0, 0, 72, 40, 30, 30, 21, 21, 21], "\(t.still)")
        #expect(t.moving == [50, 50, 40, 41, 20, 15, 15, 15, 15], "\(t.moving)")
        // The decision: any moving gate at or over its threshold, or any still gate from 2 on.
        var still = [UInt8](repeating: 0, count: 9), moving = [UInt8](repeating: 0, count: 9)
        still[0] = 100
        #expect(!t.holdTarget(moving: GateEnergies(moving), still: GateEnergies(still)), "still gates 0-1 never hold a target")
        still[2] = 71
        #expect(!t.holdTarget(moving: GateEnergies(moving), still: GateEnergies(still)))
        #expect(LD2410GateThresholds.factory.holdTarget(moving: GateEnergies(moving), still: GateEnergies(still)))
        moving[8] = 15
        #expect(t.holdTarget(moving: GateEnergies(moving), still: GateEnergies(still)))
    }
}
