/// One LD2410 report frame, decoded (datasheet "reporting data frame").
/// Engineering mode adds per-gate energies; basic mode leaves them empty.
public struct LD2410Report: Sendable, Equatable {
    /// Bit 0: moving target, bit 1: stationary target (0 none, 1 moving, 2 still, 3 both).
    public var targetState: UInt8
    public var movingDistanceCm: UInt16
    public var movingEnergy: UInt8
    public var stillDistanceCm: UInt16
    public var stillEnergy: UInt8
    public var detectionDistanceCm: UInt16
    /// Engineering mode only: energy 0...100 of gates 0...maxGate (0.75 m per gate).
    public var movingGateEnergies: GateEnergies
    public var stillGateEnergies: GateEnergies
    public var lightLevel: UInt8
    public var outPin: UInt8

    public init(targetState: UInt8, movingDistanceCm: UInt16, movingEnergy: UInt8, stillDistanceCm: UInt16,
                stillEnergy: UInt8, detectionDistanceCm: UInt16, movingGateEnergies: GateEnergies = [],
                stillGateEnergies: GateEnergies = [], lightLevel: UInt8 = 0, outPin: UInt8 = 0) {
        self.targetState = targetState
        self.movingDistanceCm = movingDistanceCm
        self.movingEnergy = movingEnergy
        self.stillDistanceCm = stillDistanceCm
        self.stillEnergy = stillEnergy
        self.detectionDistanceCm = detectionDistanceCm
        self.movingGateEnergies = movingGateEnergies
        self.stillGateEnergies = stillGateEnergies
        self.lightLevel = lightLevel
        self.outPin = outPin
    }

    public var isEngineering: Bool { !movingGateEnergies.isEmpty }
    public var hasMovingTarget: Bool { targetState & 1 != 0 }
    public var hasStillTarget: Bool { targetState & 2 != 0 }

    /// Distance covered by one range gate at the default resolution.
    public static let gateMetres = 0.75
}

/// One LD2450 target (x, y in mm, speed in cm/s; negative y never occurs).
public struct LD2450Target: Sendable, Equatable {
    public var xMm: Int16
    public var yMm: Int16
    public var speedCmS: Int16
    public var resolutionMm: UInt16

    public init(xMm: Int16, yMm: Int16, speedCmS: Int16, resolutionMm: UInt16) {
        self.xMm = xMm
        self.yMm = yMm
        self.speedCmS = speedCmS
        self.resolutionMm = resolutionMm
    }

    /// The sensor reports an empty slot as all zeros.
    public var isPresent: Bool { xMm != 0 || yMm != 0 || speedCmS != 0 || resolutionMm != 0 }
}

/// The three target slots of an LD2450 report, held inline (an array per report
/// would allocate ten times a second). Empty slots are all-zero targets.
public struct LD2450Targets: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    public static let slots = 3
    private var a, b, c: LD2450Target
    private static let none = LD2450Target(xMm: 0, yMm: 0, speedCmS: 0, resolutionMm: 0)

    public init(_ first: LD2450Target, _ second: LD2450Target, _ third: LD2450Target) {
        (a, b, c) = (first, second, third)
    }

    /// The first three of `targets`; missing slots are empty.
    public init<S: Sequence>(_ targets: S) where S.Element == LD2450Target {
        var it = targets.makeIterator()
        a = it.next() ?? Self.none
        b = it.next() ?? Self.none
        c = it.next() ?? Self.none
    }

    public init(arrayLiteral targets: LD2450Target...) { self.init(targets) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Self.slots }

    public subscript(slot: Int) -> LD2450Target {
        switch slot {
        case 0: a
        case 1: b
        case 2: c
        default: preconditionFailure("LD2450 target slot \(slot) out of range 0..<3")
        }
    }
}

/// A decoded radar report of either supported module.
public enum RadarReport: Sendable, Equatable {
    case ld2410(LD2410Report)
    case ld2450(LD2450Targets)
}
