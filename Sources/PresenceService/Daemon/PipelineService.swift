import Foundation
import Logging
import PresenceCore
import PresencePipeline
import PresenceFusion
import ServiceLifecycle
import Synchronization

/// Runs the source and the pipeline on one dedicated thread (DSP must never run
/// on a NIO event loop or the Swift concurrency pool, DESIGN.md §8) and
/// publishes every event to the hub and the metrics.
public final class PipelineService: Service, Sendable {
    /// The source is made from it at start; `[fusion]` is applied again after each reload.
    private let running: RunningConfig
    private let hub: EventHub
    /// The live page's browsers (`GET /live`): ticks and events go there only while one watches.
    private let live: LiveFeed?
    /// What the live page asks of the pipeline: labels of the moment, for the flight recorder.
    private let actions: LiveActions?
    private let metrics: PresenceMetrics
    private let health: DaemonHealth
    private let logger: Logger
    private let stop = Atomic<Bool>(false)
    /// Set by `stallForTesting`: the thread stops making progress (until shutdown).
    private let stalled = Atomic<Bool>(false)
    /// The flight recorder's settings and its writer, when `[recording] flight_recorder` is on.
    private let clips: (history: Int64, after: Int64, writer: ClipWriter)?
    /// Where the room's state is kept across restarts, and the state saved before this start (if taken up).
    private let roomFile: RoomStateFile?
    private let restoring: (room: RoomState, savedAt: Int64)?

    init(running: RunningConfig,
         hub: EventHub, live: LiveFeed? = nil, actions: LiveActions? = nil, metrics: PresenceMetrics, health: DaemonHealth, logger: Logger,
         clips: (history: Int64, after: Int64, writer: ClipWriter)? = nil,
         roomFile: RoomStateFile? = nil, restoring: (room: RoomState, savedAt: Int64)? = nil) {
        self.running = running
        self.hub = hub
        self.live = live
        self.actions = actions
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.clips = clips
        self.roomFile = roomFile
        self.restoring = restoring
    }

    public func run() async throws {
        // Graceful shutdown (SIGTERM) and cancellation (another service failed, e.g. the metrics port is
        // taken) both stop the thread; it does not see Swift cancellation by itself.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
                    let thread = Thread { [self] in
                        do {
                            try self.loop()
                            done.resume()
                        } catch {
                            done.resume(throwing: error)
                        }
                    }
                    thread.name = "presenced-pipeline"
                    thread.start()
                }
            } onGracefulShutdown: {
                self.stop.store(true, ordering: .relaxed)
            }
        } onCancel: {
            self.stop.store(true, ordering: .relaxed)
        }
    }

    private func loop() throws {
        let start = running.now
        var generation = start.generation
        let source = try start.config.makeSource()
        defer { source.close() }
        // The newer of [radar] calibration and the live page's last one (PageCalibration).
        let calibrationAtStart = PageCalibration.newest(configured: start.config.radar?.calibrationFile, radar: start.config.radar,
                                                        stateDir: start.config.state.dir, logger: logger)
        let pipeline = Pipeline(options: Pipeline.Options(tracker: start.config.fusion.trackerParameters, expectedSensors: source.sensors,
                                                          radarCalibration: calibrationAtStart?.calibration),
                                classifier: start.classifier)
        if let restoring {
            // The first sample comes now (or soon): the saved times move on by the time the daemon was away.
            pipeline.restore(restoring.room, elapsed: max(0, RoomStateFile.wallClock() - restoring.savedAt))
        }
        var saver = roomFile.map { RoomStateSaver(file: $0, logger: logger) }
        defer { if let room = pipeline.roomState { saver?.save(room) } }  // at stop
        hub.publish([], state: pipeline.state)
        var ticks = 0
        let page = LivePageSession(live: live, actions: actions, hub: hub, running: running, logger: logger)
        page.attach(to: pipeline, sensors: source.sensors)
        pipeline.tickSink = { [unowned pipeline] tick in
            ticks += 1
            page.tick(tick, pipeline: pipeline)
        }
        var events: [PresenceEvent] = []
        var drops = DropCounter(metrics: metrics)
        let flightRecorder = clips.map { FlightRecorder(history: $0.history, after: $0.after) }
        defer {
            if let clip = flightRecorder?.finish() { clips?.writer.submit(clip) }
            // Within the 2 s SIGTERM budget; a clip cut short stays readable.
            clips?.writer.stop(timeout: 1)
        }
        let shouldStop = { self.stop.load(ordering: .relaxed) }
        var calibrationCreated = calibrationAtStart?.createdSeconds
        while let item = try source.next(shouldStop: shouldStop) {
            while stalled.load(ordering: .relaxed), !shouldStop() { usleep(100_000) }
            if running.generation != generation {
                let now = running.now
                generation = now.generation
                let calibration = PageCalibration.newest(configured: now.config.radar?.calibrationFile, radar: now.config.radar,
                                                         stateDir: now.config.state.dir, logger: logger)
                pipeline.reconfigure(tracker: now.config.fusion.trackerParameters, classifier: now.classifier,
                                     radarCalibration: calibration?.calibration)
                calibrationCreated = calibration?.createdSeconds
            }
            let ticksBefore = ticks
            let start = DispatchTime.now().uptimeNanoseconds
            switch item {
            case .sample(let sample, let delay):
                if let clip = flightRecorder?.add(sample) { clips?.writer.submit(clip) }
                metrics.samples[sample.sensor]?.increment()
                metrics.captureDelay[sample.sensor]?.recordNanoseconds(Int64(delay))
            case .notice(let sensor, let text):
                logger.notice("\(sensor.rawValue): \(text)")
            default:
                break
            }
            pipeline.take(item, events: &events)
            if let created = page.carryOut(pipeline: pipeline, flightRecorder: flightRecorder) { calibrationCreated = created }
            drops.update(radarBadFrames: pipeline.radarBadFrames, source: source.dropped, pipeline: pipeline)
            guard ticks > ticksBefore || !events.isEmpty else { continue }
            if ticks > ticksBefore {
                let now = DispatchTime.now().uptimeNanoseconds
                metrics.tickDuration.recordNanoseconds(Int64(now - start))
                health.ticked(now: now)
                metrics.targets.set(Int64(pipeline.targetCount ?? -1))
                metrics.calibrationAge.set(calibrationCreated.map { Date().timeIntervalSince1970 - $0 } ?? -1)
            }
            let state = pipeline.state
            if let room = pipeline.roomState { saver?.saveIfDue(room, changed: !events.isEmpty) }
            metrics.record(events: events, state: state)
            // Every tick, so that a new client's hello carries the latest confidence.
            let lines = hub.publish(events, state: state)
            page.offer(events: events, lines: lines)
            flightRecorder?.add(events: events, lines: lines)
            let firstTick = ticksBefore == 0 && ticks > 0
            if !events.isEmpty || firstTick {
                for e in events { log(e) }
                events.removeAll(keepingCapacity: true)
                let status = Self.statusText(state, source: source.summary)
                if firstTick { SystemdNotifier.ready(status: status) } else { SystemdNotifier.status(status) }
            }
            if firstTick {
                logger.info("pipeline running", metadata: ["sensors": "\(source.sensors.sorted().map(\.rawValue))", "source": "\(source.summary)"])
            }
        }
        if !shouldStop() { logger.notice("source finished", metadata: ["source": "\(source.summary)"]) }
    }

    /// systemd's STATUS= (`systemctl status` shows it): the room, the sensors that are not ok, the source.
    static func statusText(_ state: OccupancyState, source: String) -> String {
        let troubled = state.sensors.filter { $0.value != .ok }.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value.rawValue)" }
        return ([state.occupied ? "occupied" : "vacant"] + troubled + [source]).joined(separator: "; ")
    }

    /// The debug hook of `DebugHooks` (tests of the systemd watchdog): a pipeline that no longer ticks.
    func stallForTesting() {
        logger.warning("pipeline stalled on purpose (PRESENCED_DEBUG_STALL_ON_SIGUSR2)")
        stalled.store(true, ordering: .relaxed)
    }

    private func log(_ event: PresenceEvent) {
        switch event {
        case .occupancy(let o):
            logger.info("occupancy changed", metadata: ["occupied": "\(o.occupied)", "confidence": "\(JSONObjectWriter.format(o.confidence))"])
        case .sensor(let s):
            logger.warning("sensor status changed", metadata: ["sensor": "\(s.sensor.rawValue)", "status": "\(s.status.rawValue)", "reason": "\(s.reason ?? "")"])
        }
    }
}

/// Turns the running totals of dropped samples into increments of the drop counters.
private struct DropCounter {
    let metrics: PresenceMetrics
    private var radarBadFrames = 0
    private var seen = SourceDrops()

    init(metrics: PresenceMetrics) { self.metrics = metrics }

    /// Counts what is new since the last call, and tells the pipeline what the source lost (it counts
    /// the corrupt radar frames itself), so that the sensor turns `degraded`.
    mutating func update(radarBadFrames bad: Int, source now: SourceDrops, pipeline: Pipeline) {
        if bad > radarBadFrames { metrics.samplesDroppedCorrupt[.radar]?.increment(by: Int64(bad - radarBadFrames)) }
        radarBadFrames = bad
        for (sensor, n) in now.ringFull where n > seen.ringFull[sensor, default: 0] {
            let new = n - seen.ringFull[sensor, default: 0]
            metrics.samplesDroppedRingFull[sensor]?.increment(by: Int64(new))
            pipeline.dataLost(sensor, .ringFull, count: new)
        }
        for (sensor, n) in now.overrun where n > seen.overrun[sensor, default: 0] {
            let new = n - seen.overrun[sensor, default: 0]
            metrics.samplesDroppedOverrun[sensor]?.increment(by: Int64(new))
            pipeline.dataLost(sensor, .overrun, count: new)
        }
        seen = now
    }
}
