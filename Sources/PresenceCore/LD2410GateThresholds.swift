/// An LD2410's per-gate detection thresholds: a gate holds a target when its energy (0-100) is at or above its
/// threshold, moving on gates 0-8, still on gates 2-8 (gates 0 and 1 have no still threshold: they see the
/// mounting). The module's own target flag and OUT pin decide this way; ESPHome's component exposes the
/// eighteen numbers for users to tune by hand.
public struct LD2410GateThresholds: Sendable, Equatable {
    public static let gates = 9

    public var moving: [UInt8]
    public var still: [UInt8]

    public init(moving: [UInt8], still: [UInt8]) {
        precondition(moving.count == Self.gates && still.count == Self.gates, "an LD2410 has \(Self.gates) gates")
        (self.moving, self.still) = (moving, still)
    }

    /// The thresholds a module leaves the factory with (HLK-LD2410 serial protocol manual, default parameters).
    public static let factory = LD2410GateThresholds(moving: [50, 50, 40, 30, 20, 15, 15, 15, 15],
                                                     still: [0, 0, 40, 40, 30, 30, 20, 20, 20])

    /// Whether an engineering report's energies hold a target by these thresholds.
    public func holdTarget(moving m: GateEnergies, still s: GateEnergies) -> Bool {
        for g in 0..<min(Self.gates, m.count) where m[g] >= moving[g] { return true }
        for g in 2..<max(2, min(Self.gates, s.count)) where s[g] >= still[g] { return true }
        return false
    }
}
