import PresenceCore

/// `presenced simulate`: a synthetic room rendered by all three sensors from one
/// person script, in time order, with its occupancy labels. Same scene, duration
/// and seed give the same outputs, sample for sample.
public struct Simulator {
    public enum Output {
        case sample(Sample)
        case label(t: Int64, occupied: Bool, count: Int?, condition: String)
        /// With `truthMasks`: after each camera frame, where bodies are in it (255) and are not (0).
        case truthMask(t: Int64, width: Int, height: Int, mask: [UInt8])
    }

    /// 2026-11-23T06:00:00Z: recordings start at a fixed instant so that files are reproducible.
    public static let defaultStart: Int64 = 1_795_413_600 * Nanos.perSecond
    /// The radar the scene is seen with: an LD2410 in engineering mode, or an LD2450's tracked targets.
    public var radar = RadarModel.ld2410
    public var radarDevice: String { "sim-\(radar.rawValue)" }

    public let scene: SimulatedScene
    public let duration: Int64
    public let seed: UInt64
    public let start: Int64

    /// Emit a `.truthMask` after every camera frame (for measuring background subtraction).
    public var truthMasks = false

    public init(scene: SimulatedScene, duration: Int64, seed: UInt64, start: Int64 = Simulator.defaultStart) {
        self.scene = scene
        self.duration = duration
        self.seed = seed
        self.start = start
    }

    /// Scene facts for the recording's `presenced` metadata record (DESIGN.md §3).
    public var metadata: [String: String] {
        ["scene": scene.rawValue, "room": "simulated living room 5 x 6 m", "seed": String(seed),
         "devices": "camera mono8 320x240@15, microphone 16 kHz mono, radar \(radar == .ld2410 ? "ld2410 engineering mode" : "ld2450")",
         "generator": "presenced simulate", "duration_s": String(Nanos.toSeconds(duration))]
    }

    /// Calls `emit` with every sample and label in non-decreasing time order.
    public func run(_ emit: (Output) throws -> Void) rethrows {
        func seconds(_ t: Int64) -> Double { Nanos.toSeconds(t - start) }
        let script = scene.script(duration: Nanos.toSeconds(duration))
        func droppedOut(_ sensor: SensorKind, _ t: Int64) -> Bool { script.isDroppedOut(sensor, at: seconds(t)) }
        var camera = SimulatedCamera(seed: seed)
        var microphone = SimulatedMicrophone(seed: seed)
        var radarFrames = SimulatedRadar(model: radar, seed: seed)
        var jitter = SimRandom(seed: seed, stream: 5)
        var labels = labelTimeline(script)

        var frameIndex: Int64 = 0, chunkIndex: Int64 = 0, radarIndex: Int64 = 0
        var pendingRadar: [(Int64, [UInt8])] = []
        let chunkNs = Int64(SimulatedMicrophone.chunkSamples) * Nanos.perSecond / Int64(SimulatedMicrophone.sampleRate)

        while true {
            let tFrame = start + frameIndex * Nanos.perSecond / Int64(SimulatedCamera.fps)
            let tChunk = start + chunkIndex * chunkNs
            if pendingRadar.isEmpty {
                // Frames come every 100 ms with a little UART scheduling jitter.
                let base = start + radarIndex * Nanos.perSecond / 10 + 37 * Nanos.perMillisecond
                let t = base + Int64(jitter.uniform(-3, 3) * 1e6)
                pendingRadar = radarFrames.reads(scene: script, time: seconds(t)).map { (t + Int64($0.0 * 1e9), $0.1) }
                radarIndex += 1
            }
            let tRadar = pendingRadar[0].0
            let tLabel = labels.first?.t ?? Int64.max
            let next = min(tFrame, tChunk, tRadar, tLabel)
            guard next < start + duration else { break }
            // Every generator runs through dropouts too, so the scene after one is the same as without it.
            if next == tLabel {
                let l = labels.removeFirst()
                try emit(.label(t: l.t, occupied: l.count > 0, count: l.count, condition: l.condition))
            } else if next == tFrame {
                let frame = camera.frame(scene: script, time: seconds(tFrame))
                if !droppedOut(.camera, tFrame) {
                    try emit(.sample(Sample(t: tFrame, payload: .video(frame))))
                    if truthMasks {
                        try emit(.truthMask(t: tFrame, width: frame.width, height: frame.height, mask: camera.truth(scene: script, time: seconds(tFrame))))
                    }
                }
                frameIndex += 1
            } else if next == tChunk {
                let chunk = microphone.chunk(startTime: seconds(tChunk), scene: script)
                if !droppedOut(.audio, tChunk) { try emit(.sample(Sample(t: tChunk, payload: .audio(chunk)))) }
                chunkIndex += 1
            } else {
                let (t, bytes) = pendingRadar.removeFirst()
                if !droppedOut(.radar, t) {
                    try emit(.sample(Sample(t: t, payload: .serial(SerialChunk(model: radar, device: radarDevice, bytes: bytes)))))
                }
            }
        }
    }

    private struct Label { var t: Int64; var count: Int; var condition: String }

    /// A label at the start and wherever the number of people or what they do changes.
    /// Checked every 100 ms: labels need not be finer than the pipeline's tick.
    private func labelTimeline(_ script: SceneScript) -> [Label] {
        var out: [Label] = []
        let step = 100 * Nanos.perMillisecond
        var instants: [Int64] = Array(stride(from: Int64(0), to: duration, by: Int(step)))
        // Exact instants where people arrive and leave, so labels are not late by up to a step.
        for (arrive, leave) in script.people.compactMap(\.span) {
            instants += [Nanos.seconds(arrive), Nanos.seconds(leave)].filter { $0 >= 0 && $0 < duration }
        }
        for t in Set(instants).sorted() {
            let people = script.people(at: Nanos.toSeconds(t) + 1e-9)
            let label = Label(t: start + t, count: people.count, condition: condition(script, people))
            if out.last?.count != label.count || out.last?.condition != label.condition { out.append(label) }
        }
        return out
    }

    private func condition(_ script: SceneScript, _ people: [PersonState]) -> String {
        guard !people.isEmpty else { return script.emptyCondition }
        if let c = script.occupiedCondition { return c }
        if people.count > 1 { return "two-people" }
        return switch people[0].posture {
        case .walking, .standing: "moving"
        case .sitting: "still"
        case .lying: "asleep"
        }
    }
}
