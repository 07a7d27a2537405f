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
