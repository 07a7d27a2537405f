import PresenceCore

/// The simulated radar of a recording: an LD2410 in engineering mode (the default) or an LD2450, rendering the
/// same scene script over the seed's room.
enum SimulatedRadar {
    case ld2410(SimulatedLD2410)
    case ld2450(SimulatedLD2450)

    init(model: RadarModel, seed: UInt64) {
        switch model {
        case .ld2410: self = .ld2410(SimulatedLD2410(seed: seed))
        case .ld2450: self = .ld2450(SimulatedLD2450(seed: seed))
        }
    }

    /// One report frame's bytes as one or two UART reads: (offset seconds, bytes).
    mutating func reads(scene: SceneScript, time: Double) -> [(Double, [UInt8])] {
        switch self {
        case .ld2410(var r):
            defer { self = .ld2410(r) }
            return r.reads(scene: scene, time: time)
        case .ld2450(var r):
            defer { self = .ld2450(r) }
            return r.reads(scene: scene, time: time)
        }
    }
}

/// How a report frame arrives over a serial port: sometimes split across two reads, and during the scene's
/// corruption spans with line noise in it.
enum UARTDelivery {
    static func reads(_ frame: [UInt8], corrupt: Bool, rng: inout SimRandom) -> [(Double, [UInt8])] {
        var bytes = frame
        if corrupt { garble(&bytes, rng: &rng) }
        guard rng.unit() < 0.35 else { return [(0, bytes)] }
        let cut = 1 + Int(rng.next() % UInt64(bytes.count - 1))
        return [(0, Array(bytes[..<cut])), (0.001, Array(bytes[cut...]))]
    }

    /// Line noise on the UART: flipped bits, dropped bytes and stray bytes.
    private static func garble(_ bytes: inout [UInt8], rng: inout SimRandom) {
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            let i = Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 3 {
            case 0: bytes[i] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
            case 1: if bytes.count > 1 { bytes.remove(at: i) }
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
            }
        }
    }
}
