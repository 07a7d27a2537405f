import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceDSP

/// LD2450 zones: include zones limit the room, exclude zones take a place out, the range cuts the far field;
/// the feature extractor counts only the targets the zones let through.
@Suite struct RadarZonesTests {
    static let sofa = RadarZones.Zone(kind: .include, name: "sofa", xMin: -1, xMax: 1, yMin: 1, yMax: 3)
    static let fan = RadarZones.Zone(kind: .exclude, name: "fan", xMin: 0.5, xMax: 1, yMin: 2, yMax: 2.5)

    @Test func includeLimitsExcludeRemovesRangeCuts() {
        #expect(RadarZones().counts(x: 3, y: 5), "no zones: everything counts")
        let z = RadarZones(zones: [Self.sofa, Self.fan], range: 4)
        #expect(z.counts(x: 0, y: 2))
        #expect(!z.counts(x: 2, y: 2), "outside the only include zone")
        #expect(!z.counts(x: 0.7, y: 2.2), "inside the fan's exclude zone, though inside the sofa's")
        #expect(!RadarZones(range: 4).counts(x: 0, y: 4.5))
        #expect(RadarZones(zones: [Self.fan]).counts(x: 3, y: 5), "exclude zones alone leave the rest in")
    }

    @Test func badZonesSayWhy() {
        #expect(RadarZones(zones: [Self.sofa]).problem == nil)
        #expect(RadarZones(range: 0).problem?.contains("range") == true)
        #expect(RadarZones(zones: [.init(kind: .include, name: "x", xMin: 1, xMax: 1, yMin: 0, yMax: 1)]).problem?.contains("empty") == true)
        #expect(RadarZones(zones: [.init(kind: .include, name: "far", xMin: 0, xMax: 20, yMin: 0, yMax: 1)]).problem?.contains("within") == true)
        #expect(RadarZones(zones: Array(repeating: Self.sofa, count: 17)).problem?.contains("at most") == true)
    }

    /// Two people walk in, one of them to a place in the fan's exclude zone.
    @Test func theExtractorCountsOnlyWhatTheZonesLetThrough() {
        let x = RadarFeatureExtractor()
        let reports = LD2450Walks.walkIn(to: [(0, 2), (0.8, 2.2)])
        for r in reports.dropLast() {
            x.process(.ld2450(r))
            _ = x.takeTickSummary()
        }
        x.process(.ld2450(reports.last!))
        #expect(x.takeTickSummary().targets == 2)
        x.zones = RadarZones(zones: [Self.fan])
        x.process(.ld2450(reports.last!))
        #expect(x.takeTickSummary().targets == 1)
        #expect(x.view.targets.map(\.counted) == [true, false])
    }
}
