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
                let still = 50 + (breathing ? 8 * Float(sin(2 * Double.pi * 0.25 * t)) : 0) + noise
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

    @Test func aGateThatAlwaysReflectsIsLearnedAsBackground() {
        let radar = RadarFeatureExtractor()
        // A fan at gate 3: moving energy 40 there while the room is empty.
        var fan = [UInt8](repeating: 3, count: 9)
        fan[3] = 40
        for _ in 0..<100 {
            radar.process(Self.report(moving: fan, still: [UInt8](repeating: 5, count: 9)))
            _ = radar.takeTickSummary(roomEmpty: true)
        }
        radar.process(Self.report(moving: fan, still: [UInt8](repeating: 5, count: 9)))
        let still = radar.takeTickSummary()
        #expect(still.moving == 40 && still.movingExcess < 1)
        // A person walking at gate 5 stands out; the fan does not.
        var person = fan
        person[5] = 60
        radar.process(Self.report(moving: person, still: [UInt8](repeating: 5, count: 9)))
        #expect(abs(radar.takeTickSummary().movingExcess - 57) <= 1)
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
        var clutter = [UInt8](repeating: 4, count: 9)
        clutter[2] = 65
        let empty = RadarFeatureTests.report(moving: [UInt8](repeating: 6, count: 9), still: clutter)
        let calibrated = RadarFeatureExtractor(calibration: calibration), uncalibrated = RadarFeatureExtractor()
        calibrated.process(empty)
        uncalibrated.process(empty)
        #expect(calibrated.takeTickSummary().stillExcess == 0)
        #expect(uncalibrated.takeTickSummary().stillExcess == 65, "without a calibration the first reports are all excess")
        // Someone sitting at gate 4 stands out above the room.
        var person = clutter
        person[4] = 50
        calibrated.process(RadarFeatureTests.report(moving: [UInt8](repeating: 6, count: 9), still: person))
        #expect(abs(calibrated.takeTickSummary().stillExcess - 44) < 0.01)
    }
}
