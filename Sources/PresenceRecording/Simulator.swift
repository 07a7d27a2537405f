import PresenceCore

/// `presenced simulate`: a synthetic room rendered by all three sensors from one
/// person script, in time order, with its occupancy labels. Same scene, duration
/// and seed give the same outputs, sample for sample.
public struct Simulator {
    public enum Output {
        case sample(Sample)
        case label(t: Int64, occupied: Bool, count: Int?, condition: String)
    }

    /// 2026-11-23T06:00:00Z: recordings start at a fixed instant so that files are reproducible.
    public static let defaultStart: Int64 = 1_795_413_600 * Nanos.perSecond
    public static let radarDevice = "sim-ld2410"

    public let scene: SimulatedScene
    public let duration: Int64
    public let seed: UInt64
    public let start: Int64

    public init(scene: SimulatedScene, duration: Int64, seed: UInt64, start: Int64 = Simulator.defaultStart) {
        self.scene = scene
        self.duration = duration
        self.seed = seed
        self.start = start
    }

    /// Scene facts for the recording's `presenced` metadata record (DESIGN.md §3).
    public var metadata: [String: String] {
        ["scene": scene.rawValue, "room": "simulated living room 5 x 6 m", "seed": String(seed),
         "devices": "camera mono8 320x240@15, microphone 16 kHz mono, radar ld2410 engineering mode",
         "generator": "presenced simulate", "duration_s": String(Nanos.toSeconds(duration))]
    }

    /// Calls `emit` with every sample and label in non-decreasing time order.
    public func run(_ emit: (Output) throws -> Void) rethrows {
        let script = scene.script(duration: Nanos.toSeconds(duration))
        var camera = SimulatedCamera(seed: seed)
        var microphone = SimulatedMicrophone(seed: seed)
        var radar = SimulatedRadar(seed: seed)
        var jitter = SimRandom(seed: seed, stream: 5)
        var labels = labelTimeline(script)

        var frameIndex: Int64 = 0, chunkIndex: Int64 = 0, radarIndex: Int64 = 0
        var pendingRadar: [(Int64, [UInt8])] = []
        let chunkNs = Int64(SimulatedMicrophone.chunkSamples) * Nanos.perSecond / Int64(SimulatedMicrophone.sampleRate)
        func seconds(_ t: Int64) -> Double { Nanos.toSeconds(t - start) }

        while true {
            let tFrame = start + frameIndex * Nanos.perSecond / Int64(SimulatedCamera.fps)
            let tChunk = start + chunkIndex * chunkNs
            if pendingRadar.isEmpty {
                // Frames come every 100 ms with a little UART scheduling jitter.
                let base = start + radarIndex * Nanos.perSecond / 10 + 37 * Nanos.perMillisecond
                let t = base + Int64(jitter.uniform(-3, 3) * 1e6)
                pendingRadar = radar.reads(person: script.state(at: seconds(t)), time: seconds(t))
                    .map { (t + Int64($0.0 * 1e9), $0.1) }
                radarIndex += 1
            }
            let tRadar = pendingRadar[0].0
            let tLabel = labels.first?.t ?? Int64.max
            let next = min(tFrame, tChunk, tRadar, tLabel)
            guard next < start + duration else { break }
            if next == tLabel {
                let l = labels.removeFirst()
                try emit(.label(t: l.t, occupied: l.occupied, count: l.occupied ? 1 : 0, condition: l.condition))
            } else if next == tFrame {
                let frame = camera.frame(person: script.state(at: seconds(tFrame)), time: seconds(tFrame))
                try emit(.sample(Sample(t: tFrame, payload: .video(frame))))
                frameIndex += 1
            } else if next == tChunk {
                let chunk = microphone.chunk(startTime: seconds(tChunk), script: script)
                try emit(.sample(Sample(t: tChunk, payload: .audio(chunk))))
                chunkIndex += 1
            } else {
                let (t, bytes) = pendingRadar.removeFirst()
                try emit(.sample(Sample(t: t, payload: .serial(SerialChunk(model: .ld2410, device: Self.radarDevice, bytes: bytes)))))
            }
        }
    }

    private struct Label { var t: Int64; var occupied: Bool; var condition: String }

    /// A label at the start and at every change of occupancy or of what the person does.
    private func labelTimeline(_ script: PersonScript) -> [Label] {
        var out = [Label(t: start, occupied: false, condition: "empty")]
        for seg in script.segments {
            let condition = seg.posture == .sitting ? "still" : "moving"
            if out.last?.occupied != true || out.last?.condition != condition {
                out.append(Label(t: start + Nanos.seconds(seg.start), occupied: true, condition: condition))
            }
        }
        if let last = script.segments.last {
            out.append(Label(t: start + Nanos.seconds(last.end), occupied: false, condition: "empty"))
        }
        return out.filter { $0.t < start + duration }
    }
}
