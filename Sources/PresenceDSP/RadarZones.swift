import PresenceCore

/// Where an LD2450's targets count (drawn on the live page's floor plan): include zones limit the room to
/// them (none: the whole field), exclude zones take out a fan, a curtain, a window (a target there is no
/// one), and a range drops anything farther out. Positions in metres from the module: `x` across (negative
/// left), `y` out.
public struct RadarZones: Sendable, Equatable, Codable {
    public struct Zone: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case include, exclude }
        public var kind: Kind
        public var name: String
        public var xMin: Float, xMax: Float, yMin: Float, yMax: Float

        public init(kind: Kind, name: String, xMin: Float, xMax: Float, yMin: Float, yMax: Float) {
            (self.kind, self.name, self.xMin, self.xMax, self.yMin, self.yMax) = (kind, name, xMin, xMax, yMin, yMax)
        }

        public func contains(x: Float, y: Float) -> Bool { x >= xMin && x <= xMax && y >= yMin && y <= yMax }
    }

    /// An LD2450 sees about 6 m; more is never drawn.
    public static let maxRange: Float = 8
    public static let maxZones = 16

    public var zones: [Zone]
    /// Farther than this (metres out, `y`), a target does not count; nil: the module's own range.
    public var range: Float?

    public init(zones: [Zone] = [], range: Float? = nil) {
        self.zones = zones
        self.range = range
    }

    /// Does a target at `x`, `y` count?
    public func counts(x: Float, y: Float) -> Bool {
        if let range, y > range { return false }
        var included = true, anyInclude = false
        for zone in zones {
            switch zone.kind {
            case .exclude: if zone.contains(x: x, y: y) { return false }
            case .include:
                if !anyInclude { anyInclude = true; included = false }
                if zone.contains(x: x, y: y) { included = true }
            }
        }
        return included
    }

    public func counts(_ t: LD2450Target) -> Bool { counts(x: Float(t.xMm) / 1000, y: Float(t.yMm) / 1000) }

    /// What is wrong with these zones (for a clear 400 on the page), or nil.
    public var problem: String? {
        if zones.count > Self.maxZones { return "at most \(Self.maxZones) zones" }
        if let range, !(range > 0 && range <= Self.maxRange) { return "range must be over 0 and at most \(Self.maxRange) m" }
        for z in zones {
            let values = [z.xMin, z.xMax, z.yMin, z.yMax]
            guard values.allSatisfy({ $0.isFinite && abs($0) <= Self.maxRange }) else {
                return "zone \"\(z.name)\": corners must be within \(Self.maxRange) m of the module"
            }
            guard z.xMin < z.xMax, z.yMin < z.yMax else { return "zone \"\(z.name)\": an empty rectangle" }
            guard z.name.count <= 40 else { return "zone \"\(z.name.prefix(40))…\": a name of at most 40 characters" }
        }
        return nil
    }
}
