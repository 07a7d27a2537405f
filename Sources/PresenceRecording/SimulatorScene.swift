import PresenceCore

/// The named synthetic rooms `presenced simulate` can write. Each is a script of
/// what one person does; the sensor generators render the same script, so the
/// modalities agree with each other and with the labels.
public enum SimulatedScene: String, CaseIterable, Sendable {
    case empty
    case walkThrough = "walk-through"
    case sitStill = "sit-still"

    public var summary: String {
        switch self {
        case .empty: "nobody; camera noise, room tone and radar clutter only"
        case .walkThrough: "a person enters at 10 s, walks to the middle of the room and out of the far door"
        case .sitStill: "a person enters at 8 s, sits still (breathing only) until 40 s before the end, then leaves"
        }
    }

    /// The person's script for a recording of `duration` seconds.
    func script(duration: Double) -> PersonScript {
        let door = RoomPoint(x: -2.4, d: 4.0)
        let farDoor = RoomPoint(x: 2.4, d: 3.4)
        switch self {
        case .empty:
            return PersonScript(segments: [], speech: [])
        case .walkThrough:
            let middle = RoomPoint(x: 0.6, d: 2.0)
            var s = PersonScript.Builder(start: 10, at: door)
            s.walk(to: middle, speed: 1.1)
            s.stand(for: 1.5)
            s.walk(to: farDoor, speed: 1.1)
            return s.build(speech: [(10.5, 1.2)])
        case .sitStill:
            let chair = RoomPoint(x: 0.5, d: 2.5)
            var s = PersonScript.Builder(start: 8, at: door)
            s.walk(to: chair, speed: 0.9)
            // Leave so that the person is gone 40 s before the end (room for the hold time).
            let seated = max(5, duration - 40 - s.time - 1 - door.distance(to: chair) / 0.9)
            s.sit(for: seated)
            s.walk(to: door, speed: 0.9)
            return s.build(speech: [(8.5, 1.0), (s.time - 1.0, 0.8)])
        }
    }
}

/// A place in the room: `x` metres to the right of the sensors' axis, `d` metres away from them.
struct RoomPoint: Equatable {
    var x: Double
    var d: Double

    func distance(to o: RoomPoint) -> Double { ((x - o.x) * (x - o.x) + (d - o.d) * (d - o.d)).squareRoot() }
    func lerp(_ o: RoomPoint, _ f: Double) -> RoomPoint { RoomPoint(x: x + (o.x - x) * f, d: d + (o.d - d) * f) }
}

enum Posture { case walking, standing, sitting }

/// Where the person is at one instant; nil means nobody in the room.
struct PersonState {
    var position: RoomPoint
    var posture: Posture
    /// Metres per second along the path (0 while standing or sitting).
    var speed: Double
    var speaking: Bool
}

struct PersonScript {
    struct Segment {
        var start: Double
        var end: Double
        var from: RoomPoint
        var to: RoomPoint
        var posture: Posture
    }

    var segments: [Segment]
    /// (start, length) in seconds of speech-like bursts.
    var speech: [(Double, Double)]

    func state(at t: Double) -> PersonState? {
        guard let seg = segments.first(where: { t >= $0.start && t < $0.end }) else { return nil }
        let f = seg.end > seg.start ? (t - seg.start) / (seg.end - seg.start) : 0
        let speed = seg.posture == .walking ? seg.from.distance(to: seg.to) / (seg.end - seg.start) : 0
        let speaking = speech.contains { t >= $0.0 && t < $0.0 + $0.1 }
        return PersonState(position: seg.from.lerp(seg.to, f), posture: seg.posture, speed: speed, speaking: speaking)
    }

    struct Builder {
        private(set) var time: Double
        private var at: RoomPoint
        private var segments: [Segment] = []

        init(start: Double, at: RoomPoint) {
            time = start
            self.at = at
        }

        mutating func walk(to p: RoomPoint, speed: Double) {
            let dt = at.distance(to: p) / speed
            segments.append(Segment(start: time, end: time + dt, from: at, to: p, posture: .walking))
            time += dt
            at = p
        }

        mutating func stand(for dt: Double) { stay(dt, .standing) }
        mutating func sit(for dt: Double) { stay(dt, .sitting) }

        private mutating func stay(_ dt: Double, _ posture: Posture) {
            segments.append(Segment(start: time, end: time + dt, from: at, to: at, posture: posture))
            time += dt
        }

        func build(speech: [(Double, Double)]) -> PersonScript { PersonScript(segments: segments, speech: speech) }
    }
}
