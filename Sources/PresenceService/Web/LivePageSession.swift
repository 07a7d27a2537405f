import Foundation
import Logging
import PresenceCore
import PresenceDSP
import PresencePipeline

/// The live page's side of the pipeline's thread (PipelineService): what it hands the browsers (ticks with
/// the mask and the radar's view, events), what it carries out for them (labels for the flight recorder,
/// zones, an empty-room calibration), and the occupancy of the zones drawn there (to the hub: MQTT). Lives on
/// the pipeline's thread only.
final class LivePageSession {
    private let live: LiveFeed?
    private let actions: LiveActions?
    private let hub: EventHub?
    private var zoneOccupancy = ZoneOccupancy()
    private let running: RunningConfig
    private let logger: Logger
    private var mask: MaskThumbnail?
    private var preview: PreviewThumbnail?
    /// An empty-room calibration asked for on the page: learns from the radar's reports as they come.
    private var calibration: PageCalibration?

    init(live: LiveFeed?, actions: LiveActions?, hub: EventHub?, running: RunningConfig, logger: Logger) {
        self.live = live
        self.actions = actions
        self.hub = hub
        self.running = running
        self.logger = logger
    }

    /// Before the first sample: the zones (saved ones, loaded at start), and the sinks that feed the page and
    /// the calibration.
    func attach(to pipeline: Pipeline, sensors: Set<SensorKind>) {
        actions?.hasRadar = sensors.contains(.radar)
        pipeline.radarZones = actions?.currentZones ?? RadarZones()
        pipeline.radarReportSink = { [unowned self] report, t in calibration?.add(report, at: t) }
        guard let live else { return }
        // Made only while a browser watches: the newest foreground mask, small (and the picture, small and grey,
        // only when [web] camera_preview allows it).
        let running = self.running
        pipeline.maskSink = { [unowned self] frame, pixels in
            guard live.isWatched else { return }
            mask = MaskThumbnail(mask: pixels, frameWidth: frame.width, frameHeight: frame.height)
            preview = running.config.web.cameraPreview ? PreviewThumbnail(frame) : nil
        }
    }

    /// A tick: the zones' occupancy (where an LD2450 has include zones), then the browsers (at most 5 Hz, and
    /// only while one watches).
    func tick(_ tick: Pipeline.Tick, pipeline: Pipeline) {
        // Made once a tick, and only when the zones or a browser need it.
        var made: RadarFeatureExtractor.View?
        func radarView() -> RadarFeatureExtractor.View {
            if let made { return made }
            made = pipeline.radarView
            return made!
        }
        let zones = pipeline.radarZones
        if zones.zones.contains(where: { $0.kind == .include }) || !zoneOccupancy.states.isEmpty {
            let view = radarView()
            if zoneOccupancy.update(t: tick.features.t, targets: view.tracksTargets ? view.targets : [], zones: zones) {
                hub?.publish(zones: zoneOccupancy.states)
            }
        }
        live?.offerTick(t: tick.features.t) {
            LiveTick.json(tick, state: pipeline.state, radar: radarView(), mask: mask, preview: preview,
                          calibration: calibration?.json(at: tick.features.t), zones: zoneOccupancy.states)
        }
    }

    /// Published events, as the socket wrote them.
    func offer(events: [PresenceEvent], lines: [String]) {
        for (event, line) in zip(events, lines) { live?.offerEvent(event, line: line) }
    }

    /// Carries out what the page asked since the last sample, at the newest sample's time. Returns the creation
    /// time (Unix seconds) of a calibration it applied, for `presence_calibration_age_seconds`.
    func carryOut(pipeline: Pipeline, flightRecorder: FlightRecorder?) -> Double? {
        guard let actions, pipeline.lastSampleTime != .min else { return nil }
        let t = pipeline.lastSampleTime
        for occupied in actions.takeLabels() {
            flightRecorder?.add(label: occupied, at: t)
            logger.notice("labelled on the live page", metadata: ["occupied": "\(occupied)", "t": "\(Nanos.rfc3339(t))"])
        }
        if let zones = actions.takeZones() {
            pipeline.radarZones = zones
            do {
                try ZonesFile.save(zones, stateDir: running.config.state.dir)
                logger.notice("zones from the live page applied", metadata: [
                    "zones": "\(zones.zones.count)", "range": "\(zones.range.map { "\($0) m" } ?? "the module's")"])
            } catch {
                logger.error("zones from the live page applied but not kept", metadata: ["error": "\(error)"])
            }
        }
        if let asked = actions.takeCalibration() {
            calibration = PageCalibration(at: t, countdown: asked.countdown, duration: asked.duration)
            logger.notice("radar calibration started on the live page", metadata: [
                "countdown": "\(DurationText.format(asked.countdown))", "duration": "\(DurationText.format(asked.duration))"])
        }
        guard let calibration, calibration.isRunning else { return nil }
        var created: Double?
        if let learned = calibration.advance(to: t) { created = apply(learned, to: pipeline, calibration: calibration) }
        if !calibration.isRunning {
            actions.calibrationEnded()
            if calibration.phase == .failed {
                logger.warning("radar calibration on the live page failed", metadata: ["reason": "\(calibration.message)"])
            }
        }
        return created
    }

    /// Keeps a calibration learned on the page in `[state] dir` and puts it in use.
    private func apply(_ learned: RadarCalibration, to pipeline: Pipeline, calibration: PageCalibration) -> Double? {
        let now = running.now
        let file = RadarCalibrationFile(calibration: learned, sources: ["live page: \(now.config.radar?.device ?? "replayed radar")"])
        let dir = now.config.state.dir
        do {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try file.write(to: dir + "/" + PageCalibration.fileName)
        } catch {
            calibration.fail("not kept: \(error.description)")
            return nil
        }
        pipeline.reconfigure(tracker: now.config.fusion.trackerParameters, classifier: now.classifier, radarCalibration: learned)
        logger.notice("radar calibration from the live page applied", metadata: ["file": "\(dir)/\(PageCalibration.fileName)"])
        return file.createdSeconds
    }
}
