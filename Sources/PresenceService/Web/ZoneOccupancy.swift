import PresenceCore
import PresenceDSP

/// Occupancy per include zone of an LD2450 (the zones drawn on the live page): a zone is occupied while a
/// counted target stands in it, and for `hold` after the last one left (a target the module loses for a
/// moment does not empty the zone). Zones are known by their names; an exclude zone has no occupancy.
struct ZoneOccupancy {
    static let hold: Int64 = 5 * Nanos.perSecond

    /// Per zone name: when a target was last in it.
    private var lastSeen: [String: Int64] = [:]
    private(set) var states: [String: Bool] = [:]

    /// The zones' states at `t` from this tick's targets; returns whether any changed (a zone added or removed
    /// counts as a change).
    mutating func update(t: Int64, targets: [RadarFeatureExtractor.View.Target], zones: RadarZones) -> Bool {
        var next: [String: Bool] = [:]
        for zone in zones.zones where zone.kind == .include {
            if targets.contains(where: { $0.counted && zone.contains(x: $0.x, y: $0.y) }) { lastSeen[zone.name] = t }
            next[zone.name] = lastSeen[zone.name].map { t - $0 < Self.hold } ?? false
        }
        lastSeen = lastSeen.filter { next[$0.key] != nil }
        defer { states = next }
        return next != states
    }
}
