import PresenceCore

/// Everything that happens in one simulated scene, as data. The camera,
/// microphone and radar generators each render the same script, so the
/// modalities agree with each other and with the labels.
struct SceneScript {
    var people: [PersonScript] = []
    var pets: [PersonScript] = []
    /// Global lighting: a luma gain and offset that change over time (lamps, sun, auto-exposure).
    var lighting: [LightChange] = []
    /// A bright patch (a window) whose brightness follows the sun.
    var sunPatch: (start: Double, end: Double, gain: Double)?
    var sounds: [SoundSource] = []
    var movers: [PeriodicMover] = []
    /// Spans when the lens is covered or the room is pitch dark: the camera sees a flat, dark frame.
    var cameraDark: [(Double, Double)] = []
    /// Spans when a sensor delivers nothing (unplugged, driver stall).
    var dropouts: [(sensor: SensorKind, start: Double, end: Double)] = []
    /// Spans when the radar UART delivers garbled bytes.
    var radarCorruption: [(Double, Double)] = []
    /// The label `condition` while nobody is in the room.
    var emptyCondition = "empty"
    /// A condition that overrides the posture-derived one while people are present.
    var occupiedCondition: String?

    func people(at t: Double) -> [PersonState] { people.compactMap { $0.state(at: t) } }
    func pets(at t: Double) -> [PersonState] { pets.compactMap { $0.state(at: t) } }

    func isDark(at t: Double) -> Bool { cameraDark.contains { t >= $0.0 && t < $0.1 } }
    func isDroppedOut(_ sensor: SensorKind, at t: Double) -> Bool {
        dropouts.contains { $0.sensor == sensor && t >= $0.start && t < $0.end }
    }
    func isRadarCorrupt(at t: Double) -> Bool { radarCorruption.contains { t >= $0.0 && t < $0.1 } }

    /// Luma = gain * scene + offset at time `t`; changes ramp linearly over their duration.
    func light(at t: Double) -> (gain: Double, offset: Double) {
        var gain = 1.0, offset = 0.0
        for c in lighting where t >= c.start {
            let f = c.ramp > 0 ? min(1, (t - c.start) / c.ramp) : 1
            gain = gain + (c.gain - gain) * f
            offset = offset + (c.offset - offset) * f
        }
        return (gain, offset)
    }

    func sunBrightness(at t: Double) -> Double {
        guard let s = sunPatch, t > s.start else { return 0 }
        return s.gain * min(1, (t - s.start) / (s.end - s.start))
    }
}

/// From `start`, over `ramp` seconds, the global gain and offset move to these values.
struct LightChange {
    var start: Double
    var ramp: Double = 0
    var gain: Double = 1
    var offset: Double = 0
}

/// A sound with nobody making it in the room.
struct SoundSource {
    enum Kind { case television, fan }
    var kind: Kind
    var start: Double
    var end: Double

    func isOn(at t: Double) -> Bool { t >= start && t < end }
}

/// Something that moves periodically without being a person: a fan's blades,
/// a curtain in a draught, a television's picture.
struct PeriodicMover {
    enum Kind { case fan, curtain, screen }
    var kind: Kind
    /// Image region (pixels) the camera sees it in.
    var x: Int, y: Int, width: Int, height: Int
    /// Radar range gate it reflects in (nil: invisible to the radar, e.g. a screen).
    var gate: Int?
    /// Cycles per second.
    var frequency: Double
    var start: Double = 0
    var end: Double = .infinity

    func isOn(at t: Double) -> Bool { t >= start && t < end }
}
