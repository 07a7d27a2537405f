import Testing
@testable import PresenceCore

@Suite struct TimeTests {
    @Test func rfc3339MatchesKnownInstants() {
        #expect(Nanos.rfc3339(0) == "1970-01-01T00:00:00.000Z")
        #expect(Nanos.rfc3339(1_795_413_600_123_456_789) == "2026-11-23T06:00:00.123Z")
        #expect(Nanos.rfc3339(951_782_400_000_000_000) == "2000-02-29T00:00:00.000Z")
        #expect(Nanos.rfc3339(-1_000_000) == "1969-12-31T23:59:59.999Z")
    }

    @Test func eventJSONHasDocumentedShape() {
        let e = PresenceEvent.occupancy(.init(t: 1_795_413_600_123_456_789, occupied: true, confidence: 0.94,
                                             sources: [.radar: 0.91, .camera: 0.97, .audio: 0.4]))
        #expect(e.jsonLine(seq: 41) == #"{"type":"occupancy","seq":41,"t":1795413600123456789,"time":"2026-11-23T06:00:00.123Z","occupied":true,"confidence":0.94,"sources":{"camera":0.97,"audio":0.4,"radar":0.91}}"#)
        let s = PresenceEvent.sensor(.init(t: 5, sensor: .radar, status: .lost, reason: "read: \"EIO\""))
        #expect(s.jsonLine(seq: 42) == #"{"type":"sensor","seq":42,"t":5,"time":"1970-01-01T00:00:00.000Z","sensor":"radar","status":"lost","reason":"read: \"EIO\""}"#)
    }
}

/// The feature specification: every feature at its own index, names unique.
@Suite struct FeatureSpecTests {
    @Test func indicesAreThePositionsAndNamesAreUnique() {
        for (i, f) in Feature.allCases.enumerated() { #expect(f.index == i, "\(f.name)") }
        #expect(Set(Feature.allCases.map(\.name)).count == Feature.allCases.count)
        #expect(FeatureVector(t: 0).values.count == Feature.allCases.count)
        #expect(Feature.audioMel(0).name == "audio_mel_00_db" && Feature.audioMel(31).name == "audio_mel_31_db")
    }
}
