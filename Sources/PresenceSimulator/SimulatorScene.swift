import PresenceCore

/// The named synthetic rooms `presenced simulate` can write: the situations
/// real users of presence sensors complain about. Each is a `SceneScript` built
/// for the requested duration.
public enum SimulatedScene: String, CaseIterable, Sendable {
    case empty
    case walkThrough = "walk-through"
    case sitStill = "sit-still"
    case asleep
    case lamp
    case sunlight
    case autoExposure = "auto-exposure"
    case television
    case pet
    case fanCurtain = "fan-curtain"
    case twoPeople = "two-people"
    case edgeOfRange = "edge-of-range"
    case dark
    case dropouts
    case corruptRadar = "corrupt-radar"

    public var summary: String {
        switch self {
        case .empty: "nobody; camera noise, room tone and radar clutter only"
        case .walkThrough: "a person enters at 10 s, walks to the middle of the room and out of the far door"
        case .sitStill: "a person enters at 8 s, sits still reading (breathing only) until 40 s before the end, then leaves"
        case .asleep: "a person enters at 6 s and lies asleep (breathing only, low in the picture) until 40 s before the end"
        case .lamp: "nobody; a lamp is switched on at 30 % of the scene and off at 65 %"
        case .sunlight: "nobody; the sun comes out: the room brightens slowly and a window patch glows"
        case .autoExposure: "nobody; the camera's auto-exposure steps the whole picture up and down every 12 s"
        case .television: "nobody; a television talks and plays music, its picture flickers in one corner"
        case .pet: "nobody but a cat: a small low body that wanders, sits and meows; a weak radar target"
        case .fanCurtain: "nobody; a fan (blades, hum, radar echo) and a curtain swaying in a draught"
        case .twoPeople: "one person sits from 8 s; a second comes in at 20 s and leaves; then the first leaves"
        case .edgeOfRange: "a person walks and sits at 5.5-6 m, the edge of the radar's range, small in the picture"
        case .dark: "the lens is covered for the whole scene; a person comes in, sits, leaves"
        case .dropouts: "a person sits; the camera drops out at 20-35 s, the radar at 45-60 s, the microphone at 70-85 s"
        case .corruptRadar: "a person comes in and sits while the radar UART delivers garbled bytes at 15-40 s and 60-70 s"
        }
    }

    /// The length the corpus uses for this scene (`Recordings/scenes.tsv`).
    public var typicalDuration: Int {
        switch self {
        case .walkThrough: 60
        case .asleep: 150
        case .lamp, .autoExposure, .television, .pet, .fanCurtain: 90
        default: 120
        }
    }

    static let door = RoomPoint(x: -2.4, d: 4.0)
    static let farDoor = RoomPoint(x: 2.4, d: 3.4)
    static let chair = RoomPoint(x: 0.5, d: 2.5)

    /// The scene's script for a recording of `duration` seconds.
    func script(duration d: Double) -> SceneScript {
        var s = SceneScript()
        switch self {
        case .empty:
            break
        case .walkThrough:
            var p = PersonScript.Builder(start: 10, at: Self.door)
            p.walk(to: RoomPoint(x: 0.6, d: 2.0), speed: 1.1)
            p.stand(for: 1.5)
            p.walk(to: Self.farDoor, speed: 1.1)
            s.people = [p.build(speech: [(10.5, 1.2)])]
        case .sitStill:
            s.people = [Self.visit(arrive: 8, at: Self.chair, leaveBy: d - 40, posture: .sitting, speech: [(8.5, 1.0)])]
        case .asleep:
            s.people = [Self.visit(arrive: 6, at: RoomPoint(x: -1.0, d: 3.2), leaveBy: d - 40, posture: .lying, speech: [])]
            s.occupiedCondition = "asleep"
        case .lamp:
            s.lighting = [LightChange(start: 0.3 * d, gain: 1.08, offset: 38), LightChange(start: 0.65 * d)]
            s.emptyCondition = "lamp"
        case .sunlight:
            s.lighting = [LightChange(start: 0.1 * d, ramp: 0.8 * d, gain: 1.3, offset: 12)]
            s.sunPatch = (0.1 * d, 0.9 * d, 70)
            s.emptyCondition = "sunlight"
        case .autoExposure:
            let gains = [1.25, 1.0, 0.82, 1.0]
            s.lighting = stride(from: 12.0, to: d, by: 12).enumerated().map { i, t in
                LightChange(start: t, ramp: 0.3, gain: gains[i % gains.count])
            }
            s.emptyCondition = "auto-exposure"
        case .television:
            s.sounds = [SoundSource(kind: .television, start: 0, end: d)]
            s.movers = [PeriodicMover(kind: .screen, x: 236, y: 66, width: 48, height: 30, gate: nil, frequency: 0.7)]
            s.emptyCondition = "television"
        case .pet:
            var cat = PersonScript.Builder(start: 5, at: Self.door)
            cat.walk(to: RoomPoint(x: 0.2, d: 2.2), speed: 0.5)
            cat.sit(for: max(5, 0.35 * d))
            cat.walk(to: RoomPoint(x: 1.5, d: 3.0), speed: 0.4)
            cat.sit(for: 8)
            cat.walk(to: Self.door, speed: 0.6)
            s.pets = [cat.build(kind: .cat, speech: [(7, 0.8), (0.5 * d, 0.7), (0.5 * d + 3, 0.9)])]
            s.emptyCondition = "pet"
        case .fanCurtain:
            s.movers = [PeriodicMover(kind: .fan, x: 36, y: 150, width: 30, height: 30, gate: 2, frequency: 4),
                        PeriodicMover(kind: .curtain, x: 262, y: 18, width: 40, height: 100, gate: 3, frequency: 0.3)]
            s.sounds = [SoundSource(kind: .fan, start: 0, end: d)]
            s.emptyCondition = "fan-curtain"
        case .twoPeople:
            let first = Self.visit(arrive: 8, at: RoomPoint(x: 1.2, d: 3.0), leaveBy: d - 35, posture: .sitting, speech: [(9, 1)])
            var second = PersonScript.Builder(start: 20, at: Self.farDoor)
            second.walk(to: RoomPoint(x: -0.3, d: 2.2), speed: 1.0)
            second.stand(for: 10)
            second.walk(to: Self.farDoor, speed: 1.0)
            s.people = [first, second.build(speech: [(22, 1.5), (27, 1.2)])]
        case .edgeOfRange:
            let farEnd = RoomPoint(x: -2.2, d: 6.2)
            s.people = [Self.visit(arrive: 8, from: farEnd, at: RoomPoint(x: 0.8, d: 5.6), leaveBy: d - 40, posture: .sitting, speech: [])]
            s.occupiedCondition = "edge-of-range"
        case .dark:
            s.people = [Self.visit(arrive: 10, at: Self.chair, leaveBy: d - 40, posture: .sitting, speech: [(10.5, 1)])]
            s.cameraDark = [(0, d)]
            s.emptyCondition = "dark"
            s.occupiedCondition = "dark"
        case .dropouts:
            s.people = [Self.visit(arrive: 6, at: Self.chair, leaveBy: d - 30, posture: .sitting, speech: [(6.5, 1)])]
            s.dropouts = [(.camera, 20, 35), (.radar, 45, 60), (.audio, 70, 85)]
        case .corruptRadar:
            s.people = [Self.visit(arrive: 8, at: Self.chair, leaveBy: d - 40, posture: .sitting, speech: [(8.5, 1)])]
            s.radarCorruption = [(15, 40), (60, 70)]
        }
        return s
    }

    /// Someone who walks in from `from` to `at`, stays in `posture`, and walks back out, gone by `leaveBy`.
    static func visit(arrive: Double, from: RoomPoint = door, at place: RoomPoint, leaveBy: Double, posture: Posture,
                      speech: [(Double, Double)]) -> PersonScript {
        let speed = 0.9
        var p = PersonScript.Builder(start: arrive, at: from)
        p.walk(to: place, speed: speed)
        let walkOut = place.distance(to: from) / speed
        let stay = max(5, leaveBy - p.time - walkOut)
        switch posture {
        case .lying: p.lie(for: stay)
        case .standing, .walking: p.stand(for: stay)
        case .sitting: p.sit(for: stay)
        }
        p.walk(to: from, speed: speed)
        return p.build(speech: speech + [(p.time - 1.0, 0.8)])
    }
}
