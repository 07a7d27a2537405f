import Foundation
import PresenceCore
import PresenceRadar

/// An LD2410 in engineering mode: per-gate moving and still energies (0.75 m
/// gates 0-8) over the seed's room (`RadarRoom`: clutter, noise, multipath, an
/// appliance), the person's returns at their range gate, breathing modulation of
/// the still energy while they are still, and the sensor's own target decision
/// from its factory gate thresholds. Output is raw UART bytes, sometimes split
/// across reads as a real serial port delivers them.
struct SimulatedLD2410 {
    private var rng: SimRandom
    private let room: RadarRoom

    init(seed: UInt64) {
        rng = SimRandom(seed: seed, stream: 4)
        room = RadarRoom(seed: seed)
    }

    /// One report frame's bytes as one or two UART reads: (offset seconds, bytes).
    mutating func reads(scene: SceneScript, time: Double) -> [(Double, [UInt8])] {
        let bytes = LD2410Encoder.report(report(scene: scene, time: time))
        return UARTDelivery.reads(bytes, corrupt: scene.isRadarCorrupt(at: time), rng: &rng)
    }

    private mutating func report(scene: SceneScript, time: Double) -> LD2410Report {
        var (moving, still) = room.energies(at: time, rng: &rng)
        // Periodic movers reflect too: a fan is a classic false trigger for mmWave sensors.
        for m in scene.movers where m.isOn(at: time) {
            guard let g = m.gate else { continue }
            let swing = 0.5 + 0.5 * sin(2 * .pi * min(m.frequency, 0.5) * time)
            let (mv, st): (Double, Double) = m.kind == .fan ? (26 + 10 * swing, 18) : (12 + 14 * swing, 14)
            moving[g] = max(moving[g], mv + 3 * rng.gaussian())
            still[g] = max(still[g], st + 3 * rng.gaussian())
        }
        // Bodies add their return to the room's at their gate (a person sitting by a cupboard still stands out
        // over it). A cat is a small target: a fraction of a person's energy.
        for p in scene.pets(at: time) {
            let gate = min(8, Int((p.position.x * p.position.x + p.position.d * p.position.d).squareRoot() / LD2410Report.gateMetres))
            moving[gate] += max(0, (p.posture == .walking ? 28 : 9) + 4 * rng.gaussian())
            still[gate] += max(0, 16 + 4 * rng.gaussian())
        }
        for p in scene.people(at: time) {
            let range = (p.position.x * p.position.x + p.position.d * p.position.d).squareRoot()
            let gate = min(8, Int(range / LD2410Report.gateMetres))
            let (m, s): (Double, Double)
            switch p.posture {
            case .walking:
                m = 65 + 30 * min(p.speed / 1.1, 1) + 5 * rng.gaussian()
                s = 30 + 8 * rng.gaussian()
            case .standing:
                m = 22 + 6 * rng.gaussian()
                s = 58 + 5 * rng.gaussian()
            case .sitting:
                // Breathing (~15 breaths a minute) moves the chest a few millimetres.
                let breath = sin(2 * .pi * 0.25 * time)
                m = 14 + 5 * breath + 3 * rng.gaussian()
                s = 52 + 8 * breath + 3 * rng.gaussian()
            case .lying:
                // Asleep: slower breathing, and a body lying down reflects less.
                let breath = sin(2 * .pi * 0.2 * time)
                m = 10 + 4 * breath + 2 * rng.gaussian()
                s = 40 + 7 * breath + 3 * rng.gaussian()
            }
            // Energies fall off with range; neighbours see part of the return, and a wall's reflection of it
            // shows further out (multipath).
            let fall = max(0.55, 1 - 0.06 * Double(gate))
            let echo = (gate + room.multipath.offset, room.multipath.share)
            for (g, share) in [(gate, 1.0), (gate - 1, 0.45), (gate + 1, 0.45), echo] where g >= 0 && g < 9 {
                moving[g] += max(0, m * fall * share)
                still[g] += max(0, s * fall * share)
            }
        }
        let mv = moving.map { UInt8(max(0, min(100, $0.rounded()))) }
        let st = still.map { UInt8(max(0, min(100, $0.rounded()))) }
        let factory = LD2410GateThresholds.factory
        let movingGate = (0..<9).filter { mv[$0] >= factory.moving[$0] }.max { mv[$0] < mv[$1] }
        let stillGate = (2..<9).filter { st[$0] >= factory.still[$0] }.max { st[$0] < st[$1] }
        func cm(_ g: Int?) -> UInt16 { g.map { UInt16($0 * 75 + 37) } ?? 0 }
        let state = UInt8((movingGate != nil ? 1 : 0) | (stillGate != nil ? 2 : 0))
        return LD2410Report(targetState: state,
                            movingDistanceCm: cm(movingGate), movingEnergy: movingGate.map { mv[$0] } ?? 0,
                            stillDistanceCm: cm(stillGate), stillEnergy: stillGate.map { st[$0] } ?? 0,
                            detectionDistanceCm: max(cm(movingGate), cm(stillGate)),
                            movingGateEnergies: GateEnergies(mv), stillGateEnergies: GateEnergies(st),
                            lightLevel: 96, outPin: state != 0 ? 1 : 0)
    }
}
