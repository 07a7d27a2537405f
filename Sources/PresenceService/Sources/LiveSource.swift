import Foundation
import PresenceCapture
import PresenceCore
import PresencePipeline

/// The configured devices, each on its capture thread (PresenceCapture), merged
/// for the pipeline: samples in time order after a short reordering window
/// (the camera's kernel timestamps, audio's queue depth and the UART's read
/// time arrive out of step), device failures as `lost` with their reason, and
/// an `idle` item every tick while nothing arrives, so that time goes on.
final class LiveSource: SampleSource {
    /// How long a sample is held back so that a slightly older one from another sensor can go first.
    static let reorderWindow: Int64 = 50 * Nanos.perMillisecond
    /// A device silent this long is lost and reopened (the pipeline calls it lost at the same age).
    static let dataTimeout: Int64 = 2 * Nanos.perSecond

    let sensors: Set<SensorKind>
    let summary: String
    private let clock: CaptureClock
    private let hub = CaptureHub()
    private let workers: [CaptureWorker]
    private let microphone: MicrophoneDevice?
    private let camera: CameraDevice?
    private var pending: [Sample] = []
    private var reports: [CaptureHub.Report] = []
    private var lastIdle: Int64 = 0
    private var closed = false

    /// Builds a device per configured sensor; a configuration without any is an error.
    init(config: PresenceConfig) throws(ConfigError) {
        let clock = CaptureClock()
        self.clock = clock
        var devices: [(any CaptureDevice, String)] = []
        var described: [String] = []
        var camera: CameraDevice?
        if let c = config.camera {
            let cam = CameraDevice(path: c.device, width: c.width, height: c.height, fps: c.fps, clock: clock)
            camera = cam
            devices.append((cam, "presenced-camera"))
            described.append("camera \(c.device)")
        }
        var microphone: MicrophoneDevice?
        if let a = config.audio {
            let m = MicrophoneDevice(name: a.device, rate: a.rate, clock: clock)
            microphone = m
            devices.append((m, "presenced-audio"))
            described.append("microphone \(a.device)")
        }
        if let r = config.radar {
            devices.append((RadarDevice(path: r.device, model: r.model, baud: r.baud, clock: clock), "presenced-radar"))
            described.append("\(r.model.rawValue) \(r.device)")
        }
        guard !devices.isEmpty else { throw config.noSource }
        self.microphone = microphone
        self.camera = camera
        sensors = Set(devices.map(\.0.sensor))
        summary = "live: " + described.joined(separator: ", ")
        let hub = self.hub
        workers = devices.map { device, name in
            CaptureWorker(device: device, hub: hub, clock: clock, dataTimeout: Self.dataTimeout, threadName: name)
        }
        for w in workers { w.start() }
    }

    func next(shouldStop: () -> Bool) throws -> SourceItem? {
        while !shouldStop() {
            let now = clock.now()
            let due = now - Self.reorderWindow
            // Reports and samples go out in time order, so that a failure comes after the data captured before it.
            let sample = pending.indices.min { pending[$0].t < pending[$1].t }
            if let r = reports.first, (reportTime(r) ?? .min) <= min(due, sample.map { pending[$0].t } ?? .max) {
                reports.removeFirst()
                switch r {
                case .lost(let sensor, let reason, let t): return .lost(sensor, reason: reason, t: t)
                case .notice(let sensor, let text): return .notice(sensor, text)
                case .reconnected(let sensor, let t): return .resumed(sensor, t: t)
                }
            }
            if let i = sample, pending[i].t <= due {
                let s = pending.remove(at: i)
                return .sample(s, delay: UInt64(max(0, now - s.t)))
            }
            if now - lastIdle >= Pipeline.Options.defaultTickPeriod {
                lastIdle = now
                return .idle(t: due)
            }
            hub.take(timeout: 0.02, samples: &pending, reports: &reports)
        }
        return nil
    }

    private func reportTime(_ r: CaptureHub.Report) -> Int64? {
        switch r {
        case .lost(_, _, let t), .reconnected(_, let t): t
        case .notice: nil
        }
    }

    var dropped: SourceDrops {
        SourceDrops(ringFull: hub.droppedSamples, overrun: [.audio: microphone?.overruns ?? 0, .camera: camera?.skippedFrames ?? 0])
    }

    /// Stops every capture thread at once and waits at most a second for them all (SIGTERM's budget is 2 s).
    func close() {
        guard !closed else { return }
        closed = true
        for w in workers { w.requestStop() }
        let deadline = MonotonicCondition.deadline(in: 1)
        for w in workers { w.stop(untilMonotonic: deadline) }
    }

    deinit { close() }
}
