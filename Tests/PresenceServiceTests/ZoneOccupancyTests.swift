import PresenceCore
import PresenceDSP
import Synchronization
import Testing
@testable import PresenceService

/// Occupancy per LD2450 include zone, and how it reaches Home Assistant (an entity per zone).
@Suite struct ZoneOccupancyTests {
    static let zones = RadarZones(zones: [
        .init(kind: .include, name: "Sofa", xMin: -1, xMax: 1, yMin: 1, yMax: 3),
        .init(kind: .include, name: "desk", xMin: 1.5, xMax: 3, yMin: 0, yMax: 2),
        .init(kind: .exclude, name: "fan", xMin: 0.5, xMax: 1, yMin: 2, yMax: 2.5),
    ])
    static func at(_ x: Float, _ y: Float, counted: Bool = true) -> RadarFeatureExtractor.View.Target {
        .init(x: x, y: y, speed: 0, counted: counted)
    }
    static let s = Nanos.perSecond

    @Test func aZoneIsOccupiedWhileATargetIsInItAndForTheHoldAfter() {
        var z = ZoneOccupancy()
        let first = z.update(t: 0, targets: [], zones: Self.zones)
        #expect(first)
        #expect(z.states == ["Sofa": false, "desk": false], "include zones only")
        let entered = z.update(t: 1 * Self.s, targets: [Self.at(0, 2)], zones: Self.zones)
        #expect(entered)
        #expect(z.states == ["Sofa": true, "desk": false])
        let byAGhost = z.update(t: 2 * Self.s, targets: [Self.at(2, 1, counted: false)], zones: Self.zones)
        #expect(!byAGhost, "not counted: no one")
        let held = z.update(t: 5 * Self.s, targets: [], zones: Self.zones)
        #expect(!held, "within the hold")
        let emptied = z.update(t: 6 * Self.s, targets: [], zones: Self.zones)
        #expect(emptied)
        #expect(z.states == ["Sofa": false, "desk": false])
        let removed = z.update(t: 7 * Self.s, targets: [], zones: RadarZones(zones: [Self.zones.zones[1]]))
        #expect(removed, "a zone removed is a change")
        #expect(z.states == ["desk": false])
    }

    @Test func homeAssistantGetsAnEntityPerZoneAndLosesItWithTheZone() {
        var mqtt = PresenceConfig.MQTT()
        mqtt.nodeID = "hall"
        let topics = HomeAssistantTopics(config: mqtt, version: "1")
        #expect(topics.zone("Reading chair") == topics.base + "/zone/reading_chair")
        let d = topics.zoneDiscovery("Reading chair")
        #expect(d?.topic == topics.discoveryPrefix + "/binary_sensor/hall/zone_reading_chair/config")
        #expect(d?.payload.contains(#""device_class":"occupancy""#) == true && d?.payload.contains(topics.base + "/zone/reading_chair") == true)
        #expect(topics.zoneDiscovery("Reading chair", removed: true)?.payload == "")
    }

    @Test func theHubKeepsTheZonesAndTellsItsObservers() {
        let hub = EventHub(initial: OccupancyState(), version: "t", metrics: nil)
        let told = ObserverCounter()
        hub.observe { events, _ in if events.isEmpty { told.increment() } }
        hub.publish(zones: ["Sofa": true])
        #expect(hub.zones == ["Sofa": true] && told.value == 1)
    }
}

/// A counter observers may bump from any thread.
final class ObserverCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
