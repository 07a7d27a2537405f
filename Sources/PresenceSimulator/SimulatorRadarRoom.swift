import Foundation

/// The room an LD2410 sees with nobody in it, drawn from the seed: one seed is one room, so a calibration made
/// from one scene's recording fits the seed's other scenes, and rooms of other seeds are rooms the model (or a
/// calibration) has not seen. What real modules show and our first simulator lacked:
/// - static clutter: still energy on the near gates from the mounting, walls, furniture and a monitor, often
///   above the factory thresholds (gate 2's 40 is crossed in about a third of the rooms), and a piece of
///   furniture or two further out; moving energy on gates 0-1 from the near field;
/// - noise that differs from gate to gate and room to room, and a slow drift of the clutter (temperature);
/// - multipath: a person's return seen again a few gates further, weaker;
/// - in some rooms an appliance that vibrates (a fridge, a pump, an extractor) at one gate, always on;
/// - one room in five is quiet (clutter near the mounting only), as our first simulator's was.
struct RadarRoom {
    static let gates = 9

    var stillClutter: [Double]
    var movingClutter: [Double]
    var stillNoise: [Double]
    var movingNoise: [Double]
    /// The clutter's slow drift: relative amplitude, period (s) and phase.
    var drift: (amplitude: Double, period: Double, phase: Double)
    /// Where a person's echo shows again: gates beyond theirs, and its share of their energy.
    var multipath: (offset: Int, share: Double)
    /// A vibrating appliance: its gate, moving energy, and the frequency of its envelope (Hz).
    var appliance: (gate: Int, energy: Double, frequency: Double)?

    init(seed: UInt64) {
        var rng = SimRandom(seed: seed, stream: 7)
        let quiet = rng.unit() < 0.2
        stillClutter = (0..<Self.gates).map { g in
            if quiet { return g < 2 ? rng.uniform(8, 20) : rng.uniform(0, 6) }
            switch g {
            case 0: return rng.uniform(20, 100)
            case 1: return rng.uniform(10, 80)
            case 2: return rng.uniform(0, 60)
            case 3: return rng.uniform(0, 30)
            default: return rng.uniform(0, 12)
            }
        }
        movingClutter = (0..<Self.gates).map { g in
            if quiet { return rng.uniform(2, 6) }
            return g == 0 ? rng.uniform(5, 40) : g == 1 ? rng.uniform(0, 25) : rng.uniform(0, 6)
        }
        if !quiet {
            // Furniture, a monitor, a radiator: one or two reflectors further out, weaker than a person there
            // (a sofa is a large but soft reflector; the strong static returns are the near gates').
            for _ in 0..<(1 + Int(rng.next() % 2)) {
                let g = 2 + Int(rng.next() % 6)
                stillClutter[g] = max(stillClutter[g], rng.uniform(10, 35))
            }
        }
        stillNoise = (0..<Self.gates).map { _ in rng.uniform(1, 4) }
        movingNoise = (0..<Self.gates).map { g in g < 2 ? rng.uniform(3, 8) : rng.uniform(1, 3) }
        drift = (rng.uniform(0, 0.06), rng.uniform(200, 900), rng.uniform(0, 2 * .pi))
        multipath = (2 + Int(rng.next() % 2), rng.uniform(0.1, 0.35))
        if !quiet && rng.unit() < 0.35 {
            appliance = (1 + Int(rng.next() % 6), rng.uniform(8, 30), rng.uniform(0.1, 1))
        }
    }

    /// The empty room's (moving, still) energies at `time`, noise drawn from `rng`.
    func energies(at time: Double, rng: inout SimRandom) -> (moving: [Double], still: [Double]) {
        let driftFactor = 1 + drift.amplitude * sin(2 * .pi * time / drift.period + drift.phase)
        var moving = (0..<Self.gates).map { movingClutter[$0] + movingNoise[$0] * rng.gaussian() }
        let still = (0..<Self.gates).map { stillClutter[$0] * driftFactor + stillNoise[$0] * rng.gaussian() }
        if let a = appliance {
            let envelope = 0.7 + 0.3 * sin(2 * .pi * a.frequency * time)
            moving[a.gate] = max(moving[a.gate], a.energy * envelope + 2 * rng.gaussian())
        }
        return (moving, still)
    }
}
