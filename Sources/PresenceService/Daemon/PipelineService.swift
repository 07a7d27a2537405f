import Foundation
import Logging
import PresenceCore
import PresenceFusion
import ServiceLifecycle
import Synchronization

/// Runs the source and the pipeline on one dedicated thread (DSP must never run
/// on a NIO event loop or the Swift concurrency pool, DESIGN.md §8) and
/// publishes every event to the hub and the metrics.
public final class PipelineService: Service, Sendable {
    private let makeSource: @Sendable () throws -> ReplaySource
    private let options: @Sendable (Set<SensorKind>) -> Pipeline.Options
    private let classifier: any OccupancyClassifier
    private let hub: EventHub
    private let metrics: PresenceMetrics
    private let logger: Logger
    private let stop = Atomic<Bool>(false)
    /// The flight recorder's settings and its writer, when `[recording] flight_recorder` is on.
    private let clips: (history: Int64, after: Int64, writer: ClipWriter)?

    init(makeSource: @escaping @Sendable () throws -> ReplaySource,
         options: @escaping @Sendable (Set<SensorKind>) -> Pipeline.Options,
         classifier: any OccupancyClassifier,
         hub: EventHub, metrics: PresenceMetrics, logger: Logger,
         clips: (history: Int64, after: Int64, writer: ClipWriter)? = nil) {
        self.makeSource = makeSource
        self.options = options
        self.classifier = classifier
        self.hub = hub
        self.metrics = metrics
        self.logger = logger
        self.clips = clips
    }

    public func run() async throws {
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
    }

    private func loop() throws {
        let source = try makeSource()
        let pipeline = Pipeline(options: options(source.sensors), classifier: classifier)
        hub.publish([], state: pipeline.state)
        var ticks = 0
        pipeline.tickSink = { _ in ticks += 1 }
        var events: [PresenceEvent] = []
        var badRadarFrames = 0
        let flightRecorder = clips.map { FlightRecorder(history: $0.history, after: $0.after) }
        defer {
            if let clip = flightRecorder?.finish() { clips?.writer.submit(clip) }
            // Within the 2 s SIGTERM budget; a clip cut short stays readable.
            clips?.writer.stop(timeout: 1)
        }
        let shouldStop = { self.stop.load(ordering: .relaxed) }
        while let (sample, lateness) = try source.next(shouldStop: shouldStop) {
            if let clip = flightRecorder?.add(sample) { clips?.writer.submit(clip) }
            metrics.samples[sample.sensor]?.increment()
            metrics.captureDelay[sample.sensor]?.recordNanoseconds(Int64(lateness))
            let ticksBefore = ticks
            let start = DispatchTime.now().uptimeNanoseconds
            pipeline.ingest(sample, events: &events)
            if pipeline.radarBadFrames != badRadarFrames {
                metrics.samplesDroppedCorrupt[.radar]?.increment(by: Int64(pipeline.radarBadFrames - badRadarFrames))
                badRadarFrames = pipeline.radarBadFrames
            }
            guard ticks > ticksBefore else { continue }
            metrics.tickDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            let state = pipeline.state
            metrics.record(events: events, state: state)
            // Every tick, so that a new client's hello carries the latest confidence.
            let lines = hub.publish(events, state: state)
            flightRecorder?.add(events: events, lines: lines)
            if !events.isEmpty {
                for e in events { log(e) }
                events.removeAll(keepingCapacity: true)
                SystemdNotifier.status(state.occupied ? "occupied" : "vacant")
            }
            if ticksBefore == 0 {
                SystemdNotifier.ready(status: "running; replaying \(source.path)")
                logger.info("pipeline running", metadata: ["sensors": "\(source.sensors.sorted().map(\.rawValue))"])
            }
        }
        if !shouldStop() { logger.notice("replay finished", metadata: ["file": "\(source.path)"]) }
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
