import PresenceCore

/// A place in the room: `x` metres to the right of the sensors' axis, `d` metres away from them.
struct RoomPoint: Equatable {
    var x: Double
    var d: Double

    func distance(to o: RoomPoint) -> Double { ((x - o.x) * (x - o.x) + (d - o.d) * (d - o.d)).squareRoot() }
    func lerp(_ o: RoomPoint, _ f: Double) -> RoomPoint { RoomPoint(x: x + (o.x - x) * f, d: d + (o.d - d) * f) }
}

enum Posture { case walking, standing, sitting, lying }

/// A person, or an animal: the renderers draw and hear them differently.
enum BodyKind { case human, cat }

/// Where the person is at one instant; nil means nobody in the room.
struct PersonState {
    var position: RoomPoint
    var posture: Posture
    /// Metres per second along the path (0 while standing or sitting).
    var speed: Double
    var speaking: Bool
}

struct PersonScript {
    var kind = BodyKind.human

    struct Segment {
        var start: Double
        var end: Double
        var from: RoomPoint
        var to: RoomPoint
        var posture: Posture
    }

    var segments: [Segment]
    /// (start, length) in seconds of speech-like bursts (meows for a cat).
    var speech: [(Double, Double)]

    init(kind: BodyKind = .human, segments: [Segment], speech: [(Double, Double)]) {
        self.kind = kind
        self.segments = segments
        self.speech = speech
    }

    /// When the body is in the room: from its first segment to the end of its last.
    var span: (Double, Double)? {
        guard let first = segments.first, let last = segments.last else { return nil }
        return (first.start, last.end)
    }

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
        mutating func lie(for dt: Double) { stay(dt, .lying) }

        private mutating func stay(_ dt: Double, _ posture: Posture) {
            segments.append(Segment(start: time, end: time + dt, from: at, to: at, posture: posture))
            time += dt
        }

        func build(kind: BodyKind = .human, speech: [(Double, Double)]) -> PersonScript {
            PersonScript(kind: kind, segments: segments, speech: speech)
        }
    }
}
