import Foundation
import PresenceCore
import PresenceRadar

/// An LD2450: up to three tracked targets ten times a second, each a position (mm across and away from the
/// sensor) and a speed, in the seed's room (`LD2450Room`). What real modules do and an ideal tracker would not:
/// - ghosts: targets at fixed places with nobody there (a radiator, a metal cabinet, a mirror), shown in runs,
///   some of them with a small speed (a vibrating appliance);
/// - a fan or a curtain the radar sees is a target that stays in place and moves back and forth;
/// - a moving person is sometimes seen twice, the second time mirrored by a side wall (multipath);
/// - a person sitting or lying still is lost for seconds at a time (the tracker follows movement), more in some
///   rooms than others;
/// - a cat is a target now and then while it walks, rarely while it sits;
/// - jitter of a few centimetres, and nothing beyond 6 m or outside ±60°.
struct SimulatedLD2450 {
    private var rng: SimRandom
    private let room: LD2450Room
    /// Per ghost, per body and per mover: whether the module shows it on this frame (runs of frames, not coin flips).
    private var shown: [Int: Bool] = [:]
    static let framePeriod = 0.1
    static let resolutionMm: UInt16 = 360

    init(seed: UInt64) {
        rng = SimRandom(seed: seed, stream: 4)
        room = LD2450Room(seed: seed)
    }

    mutating func reads(scene: SceneScript, time: Double) -> [(Double, [UInt8])] {
        var targets = self.targets(scene: scene, time: time).prefix(LD2450Targets.slots).map(\.self)
        while targets.count < LD2450Targets.slots { targets.append(LD2450Target(xMm: 0, yMm: 0, speedCmS: 0, resolutionMm: 0)) }
        return UARTDelivery.reads(LD2450Parser.encode(targets), corrupt: scene.isRadarCorrupt(at: time), rng: &rng)
    }

    /// The frame's targets, people first (the module's tracker keeps its slots for what it follows longest).
    private mutating func targets(scene: SceneScript, time: Double) -> [LD2450Target] {
        var out: [LD2450Target?] = []
        for (i, person) in scene.people.enumerated() {
            guard let now = person.state(at: time) else { continue }
            let speed = radialSpeed(person, now, time)
            let seen: Double = switch now.posture {
            case .walking: 0.99
            case .standing: 0.95
            case .sitting: room.stillDetection
            case .lying: room.stillDetection * 0.8
            }
            if show(key: 100 + i, share: seen, meanRun: 4) {
                let moving = now.posture == .walking
                out.append(target(at: now.position, jitter: moving ? 0.08 : 0.04, speed: moving ? speed : 0))
            }
            // A side wall mirrors a moving person: the same target again, beyond the wall.
            if let wall = room.mirrorWall, now.posture == .walking,
               show(key: 200 + i, share: room.mirrorShare, meanRun: 1) {
                out.append(target(at: RoomPoint(x: 2 * wall - now.position.x, d: now.position.d), jitter: 0.12, speed: speed))
            }
        }
        for (i, cat) in scene.pets.enumerated() {
            guard let now = cat.state(at: time) else { continue }
            if show(key: 300 + i, share: now.posture == .walking ? 0.4 : 0.05, meanRun: 0.8) {
                out.append(target(at: now.position, jitter: 0.1, speed: now.posture == .walking ? radialSpeed(cat, now, time) : 0))
            }
        }
        for (i, m) in scene.movers.enumerated() where m.isOn(at: time) {
            guard let gate = m.gate else { continue }
            let d = Double(gate) * LD2410Report.gateMetres + 0.37
            let place = RoomPoint(x: (Double(m.x + m.width / 2) - 160) / 160 * 0.6 * d, d: d)
            let peak = m.kind == .fan ? 45.0 : 15.0
            if show(key: 400 + i, share: 0.6, meanRun: 2) {
                out.append(target(at: place, jitter: 0.05, speed: peak * sin(2 * .pi * min(m.frequency, 0.5) * time) / 100))
            }
        }
        for (i, g) in room.ghosts.enumerated() where show(key: i, share: g.share, meanRun: g.meanRun) {
            out.append(target(at: g.place, jitter: g.jitter, speed: g.speedNoise * rng.gaussian() / 100))
        }
        return out.compactMap(\.self)
    }

    /// A target where the module would report it: jittered, and only inside its field (6 m, ±60°).
    private mutating func target(at p: RoomPoint, jitter: Double, speed: Double) -> LD2450Target? {
        let x = p.x + jitter * rng.gaussian(), d = max(0.05, p.d + jitter * rng.gaussian())
        guard (x * x + d * d).squareRoot() <= 6, abs(x) <= d * 1.732 else { return nil }
        let v = speed * 100 + (speed == 0 ? 0 : 3 * rng.gaussian())
        return LD2450Target(xMm: Int16(clamping: Int((x * 1000).rounded())), yMm: Int16(clamping: Int((d * 1000).rounded())),
                            speedCmS: Int16(clamping: Int(v.rounded())), resolutionMm: Self.resolutionMm)
    }

    /// Metres a second towards (negative) or away from (positive) the sensor, over the last frame.
    private func radialSpeed(_ body: PersonScript, _ now: PersonState, _ time: Double) -> Double {
        guard let before = body.state(at: time - Self.framePeriod) else { return 0 }
        func range(_ p: RoomPoint) -> Double { (p.x * p.x + p.d * p.d).squareRoot() }
        return (range(now.position) - range(before.position)) / Self.framePeriod
    }

    /// Whether the module shows `key` on this frame: a two-state chain whose "shown" share is `share` and whose
    /// runs last `meanRun` seconds on average.
    private mutating func show(key: Int, share: Double, meanRun: Double) -> Bool {
        let leave = Self.framePeriod / max(meanRun, Self.framePeriod)
        let enter = share >= 1 ? 1 : min(1, leave * share / (1 - share))
        let was = shown[key] ?? (rng.unit() < share)
        let now = was ? rng.unit() >= leave : rng.unit() < enter
        shown[key] = now
        return now
    }
}

/// What an LD2450 reports in one room with nobody in it, drawn from the seed (its own random stream, so an
/// LD2410 recording of the seed is unchanged). One room in five has no ghost; the others one to three.
struct LD2450Room {
    struct Ghost {
        var place: RoomPoint
        /// The share of frames it is shown in, and the mean length of a run of them (seconds).
        var share: Double
        var meanRun: Double
        var jitter: Double
        /// Standard deviation of its reported speed, cm/s (0 for a still reflector; up to 30 for a vibrating one).
        var speedNoise: Double
    }

    var ghosts: [Ghost] = []
    /// The side wall (x, metres) that mirrors a moving person, if the room has one close enough to.
    var mirrorWall: Double?
    var mirrorShare = 0.0
    /// The share of frames a person sitting still is reported in.
    var stillDetection: Double

    init(seed: UInt64) {
        var rng = SimRandom(seed: seed, stream: 8)
        let ghostCount = rng.unit() < 0.2 ? 0 : 1 + Int(rng.next() % 3)
        for _ in 0..<ghostCount {
            let d = rng.uniform(0.8, 5.5)
            let vibrates = rng.unit() < 0.25
            ghosts.append(Ghost(place: RoomPoint(x: rng.uniform(-0.8, 0.8) * d, d: d), share: rng.uniform(0.15, 0.9),
                                meanRun: rng.uniform(1, 20), jitter: rng.uniform(0.03, 0.08),
                                speedNoise: vibrates ? rng.uniform(8, 30) : rng.unit() < 0.5 ? rng.uniform(1, 5) : 0))
        }
        if rng.unit() < 0.5 {
            mirrorWall = (rng.unit() < 0.5 ? -1 : 1) * rng.uniform(2.5, 3.2)
            mirrorShare = rng.uniform(0.1, 0.4)
        }
        stillDetection = rng.uniform(0.6, 0.95)
    }
}
