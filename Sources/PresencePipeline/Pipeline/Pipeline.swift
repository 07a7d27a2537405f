import PresenceCore
import PresenceDSP
import PresenceFusion
import PresenceRadar

/// Everything after the rings (DESIGN.md §1): samples in, events out, a pure
/// function of the timestamped samples. Features are taken on a fixed 10 Hz
/// tick of sample time; each tick is fused and fed to the tracker. Live, replay
/// and simulation all drive this same type.
public final class Pipeline {
    public struct Options: Sendable {
        public var tracker: Tracker.Parameters
        /// Sensors expected to deliver data: their status starts `ok` and turns `lost` after `lostAfter` without data.
        public var expectedSensors: Set<SensorKind>
        /// The fixed feature tick (DESIGN.md §1: 10 Hz of sample time).
        public static let defaultTickPeriod: Int64 = 100 * Nanos.perMillisecond
        public var tickPeriod: Int64 = defaultTickPeriod
        public var lostAfter: Int64 = 2 * Nanos.perSecond
        /// The empty room of `presenced calibrate` (`[radar] calibration`): the radar's baseline from the start.
        public var radarCalibration: RadarCalibration?

        public init(tracker: Tracker.Parameters, expectedSensors: Set<SensorKind>, radarCalibration: RadarCalibration? = nil) {
            self.tracker = tracker
            self.expectedSensors = expectedSensors
            self.radarCalibration = radarCalibration
        }
    }

    /// One tick's complete result, for `--features`, metrics and evaluation.
    public struct Tick: Sendable {
        public var features: FeatureVector
        public var fusion: FusionResult
        public var occupied: Bool
    }

    public private(set) var options: Options
    private var classifier: any OccupancyClassifier
    private var tracker: Tracker
    private var nextTick: Int64?
    /// Time of the first sample: a sensor never heard from is lost `lostAfter` after it.
    private var startTime: Int64 = 0
    /// The newest sample's time (.min before the first).
    public private(set) var lastSampleTime: Int64 = .min

    private let video = VideoFeatureExtractor()
    private let audio = AudioFeatureExtractor()
    private let radar: RadarFeatureExtractor
    private var ld2410 = LD2410Parser()
    private var ld2450 = LD2450Parser()
    private var radarMessages: [RadarMessage] = []

    /// `options.expectedSensors` in a fixed order, made once.
    private let expectedInOrder: [SensorKind]
    private var lastSeen: [SensorKind: Int64] = [:]
    /// Sensors a capture thread reported failed, until it reports them delivering again.
    private var awaitingData: Set<SensorKind> = []
    /// Data sensors lost on the way, which makes them `degraded`.
    private var losses = DataLossMonitor()
    public private(set) var status: [SensorKind: SensorStatus]
    public private(set) var lastTick: Tick?
    /// A room state to go on from (`restore`), taken up at the first sample.
    private var pendingRestore: (room: RoomState, elapsed: Int64)?
    /// From `restore` until the first tick has confirmed or changed what was restored.
    private var restored = false

    /// Called after every camera frame with its foreground mask (0/255), for `--dump-masks`.
    public var maskSink: ((VideoFrame, [UInt8]) -> Void)?
    /// Called after every tick.
    public var tickSink: ((Tick) -> Void)?
    /// Called with every decoded radar report and the time of the bytes it came in (`presenced calibrate`).
    public var radarReportSink: ((RadarReport, Int64) -> Void)?

    public init(options: Options, classifier: any OccupancyClassifier = HeuristicFusion()) {
        self.options = options
        self.classifier = classifier
        radar = RadarFeatureExtractor(calibration: options.radarCalibration)
        tracker = Tracker(parameters: options.tracker)
        expectedInOrder = options.expectedSensors.sorted()
        status = OccupancyState(expecting: options.expectedSensors).sensors
    }

    /// A reloaded configuration: the new model and tracker parameters apply from the next tick, the radar's
    /// calibration (when it changed) from the next report, and `nil` keeps the radar baseline learned so far.
    /// The tracker keeps its state (occupied, since, hold), so a reload never flips the room by itself.
    public func reconfigure(tracker parameters: Tracker.Parameters, classifier: any OccupancyClassifier,
                            radarCalibration: RadarCalibration? = nil) {
        options.tracker = parameters
        tracker.parameters = parameters
        self.classifier = classifier
        if radarCalibration != options.radarCalibration {
            options.radarCalibration = radarCalibration
            radar.recalibrate(radarCalibration)
        }
    }

    public var state: OccupancyState {
        if let pending = pendingRestore { return pending.room.occupancyState(expecting: expectedInOrder) }
        return OccupancyState(occupied: tracker.occupied, confidence: lastTick?.fusion.probability ?? 0,
                              since: tracker.since, sensors: status, restored: restored)
    }

    /// The room at the last tick, for a daemon to save; nil before the first tick.
    public var roomState: RoomState? {
        lastTick.map { RoomState(t: $0.features.t, tracker: tracker.snapshot, confidence: $0.fusion.probability, sensors: status) }
    }

    /// Goes on from a saved room instead of a vacant one: `room` was saved `elapsed` ns before the first sample
    /// this pipeline will see. Its times are moved onto this run's clock, so an occupied room stays occupied
    /// until its hold runs out (counting the time the daemon was away), and the sensors then decide as usual.
    /// Sensors keep their saved status (a lost one is `ok` again when its data comes). Call before the first sample.
    public func restore(_ room: RoomState, elapsed: Int64) {
        guard nextTick == nil else { return }
        pendingRestore = (room, elapsed)
        restored = true
        for (sensor, saved) in room.sensors where status[sensor] != nil { status[sensor] = saved }
    }

    /// Radar frames that failed their checks so far (LD2410 and LD2450 together).
    public var radarBadFrames: Int { ld2410.badFrames + ld2450.badFrames }
    /// Where an LD2450's targets count (the live page's zones); from the next report on.
    public var radarZones: RadarZones {
        get { radar.zones }
        set { radar.zones = newValue }
    }
    /// People the radar counts now, where it can count them (an LD2450); nil otherwise.
    public var targetCount: Int? {
        guard radar.countsTargets, let tick = lastTick, tick.features.present.contains(.radar) else { return nil }
        return Int(tick.features[.radarTargets])
    }
    /// The radar as the live page draws it (made on demand).
    public var radarView: RadarFeatureExtractor.View { radar.view }

    /// Processes one sample; appends the events of every tick that closed before it.
    public func ingest(_ sample: Sample, events: inout [PresenceEvent]) {
        advance(to: sample.t, events: &events)
        lastSampleTime = max(lastSampleTime, sample.t)
        lastSeen[sample.sensor] = sample.t
        switch sample.payload {
        case .video(let frame):
            video.process(frame, at: sample.t)
            maskSink?(frame, video.mask)
        case .audio(let chunk):
            audio.process(chunk)
        case .serial(let chunk):
            radarMessages.removeAll(keepingCapacity: true)
            let badBefore = radarBadFrames
            switch chunk.model {
            case .ld2410: ld2410.feed(chunk.bytes, into: &radarMessages)
            case .ld2450: ld2450.feed(chunk.bytes, into: &radarMessages)
            }
            losses.record(.radar, .corrupt, count: radarBadFrames - badBefore)
            for case .report(let report) in radarMessages {
                radar.process(report)
                radarReportSink?(report, sample.t)
            }
        }
    }

    /// Closes every tick that ends at or before `t`: live capture calls this while no sample
    /// arrives, so that time passes (and silent sensors are found lost) without data.
    public func advance(to t: Int64, events: inout [PresenceEvent]) {
        if nextTick == nil {
            // Ticks sit on whole multiples of the period so that every run ticks at the same instants.
            nextTick = (t / options.tickPeriod + 1) * options.tickPeriod
            startTime = t
            tracker = Tracker(parameters: options.tracker, start: t)
            if let r = pendingRestore.take() {
                tracker = Tracker(parameters: options.tracker, restoring: r.room.tracker.shifted(by: t - r.elapsed - r.room.t))
                // A degraded sensor stays so by the usual rule, its minute counted from now.
                for (sensor, s) in status where s == .degraded { losses.resume(sensor, degradedSince: t) }
            }
        }
        while let tick = nextTick, t >= tick {
            closeTick(at: tick, events: &events)
            nextTick = tick + options.tickPeriod
        }
    }

    /// A capture thread says its device failed (or is missing): the sensor is lost now, with that reason,
    /// rather than after `lostAfter` of silence. It is `ok` again once its data resumes.
    public func sensorFailed(_ sensor: SensorKind, reason: String, at t: Int64, events: inout [PresenceEvent]) {
        advance(to: t, events: &events)
        guard let current = status[sensor], current != .lost else { return }
        // Its return is for the capture thread to say: timestamps alone can mislead (a driver's
        // timestamps may run ahead of the clock), so data stamped after the failure is not enough.
        awaitingData.insert(sensor)
        change(sensor, to: .lost, reason: reason, at: t, events: &events)
    }

    /// Samples the source lost before they reached the pipeline (device overruns, a full capture ring):
    /// the sensor is `degraded` from the next tick (DataLossMonitor).
    public func dataLost(_ sensor: SensorKind, _ kind: DataLossMonitor.Kind, count: Int) {
        losses.record(sensor, kind, count: count)
    }

    /// A capture thread says a failed device delivers data again: the sensor is `ok` at the next tick with fresh data.
    public func sensorResumed(_ sensor: SensorKind, at t: Int64, events: inout [PresenceEvent]) {
        advance(to: t, events: &events)
        awaitingData.remove(sensor)
    }

    /// The sensor's status at the tick ending at `t`: `lost` after `lostAfter` of silence, `ok` again when its
    /// data is fresh (and its capture thread said it is back), `degraded` while it loses data (DataLossMonitor).
    /// Returns whether it delivered within `lostAfter` (its features count as present).
    private func updateStatus(of sensor: SensorKind, at t: Int64, events: inout [PresenceEvent]) -> Bool {
        let seen = lastSeen[sensor]
        let fresh = seen.map { t - $0 <= options.lostAfter } ?? false
        let silentTooLong = seen.map { t - $0 > options.lostAfter } ?? (t - startTime > options.lostAfter)
        if status[sensor] != .lost, silentTooLong {
            change(sensor, to: .lost, reason: "no data for \(DurationText.format(options.lostAfter))", at: t, events: &events)
        } else if status[sensor] == .lost, fresh, !awaitingData.contains(sensor) {
            change(sensor, to: .ok, reason: "data resumed", at: t, events: &events)
        }
        if status[sensor] == .lost {
            losses.forget(sensor)
        } else {
            switch losses.update(sensor, at: t, degraded: status[sensor] == .degraded) {
            case .degraded(let reason)?: change(sensor, to: .degraded, reason: reason, at: t, events: &events)
            case .recovered(let reason)?: change(sensor, to: .ok, reason: reason, at: t, events: &events)
            case nil: break
            }
        }
        return fresh
    }

    private func change(_ sensor: SensorKind, to new: SensorStatus, reason: String, at t: Int64, events: inout [PresenceEvent]) {
        let previous = status[sensor]
        status[sensor] = new
        events.append(.sensor(SensorChange(t: t, sensor: sensor, status: new, reason: reason, previous: previous)))
    }

    /// Closes the tick that holds the last samples (end of a recording).
    public func finish(events: inout [PresenceEvent]) {
        guard let tick = nextTick, lastSampleTime != .min else { return }
        closeTick(at: tick, events: &events)
        nextTick = tick + options.tickPeriod
    }

    /// What the radar's baseline may assume about the room: confirmed empty only once it has been vacant for a
    /// whole hold and the camera or the microphone said nobody on the last tick (the radar alone would confirm
    /// its own drift).
    private func roomBelief(at t: Int64) -> RoomBelief {
        if tracker.occupied { return .occupied }
        guard t - tracker.since >= options.tracker.hold, let sources = lastTick?.fusion.sources else { return .vacant }
        let camera = sources[.camera].map { $0 < Self.nobodyScore } ?? false
        let audio = sources[.audio].map { $0 < Self.nobodyScore } ?? false
        return camera || audio ? .confirmedEmpty : .vacant
    }

    /// A modality's own score below this says nobody.
    static let nobodyScore = 0.2

    private func closeTick(at t: Int64, events: inout [PresenceEvent]) {
        var present = SensorSet()
        for sensor in expectedInOrder {
            if updateStatus(of: sensor, at: t, events: &events) { present.insert(sensor) }
        }

        let room = roomBelief(at: t)
        // The last tick's vector is cleared and filled again in place: no allocation per tick unless a tick sink kept it.
        var f = lastTick.take()?.features ?? FeatureVector(t: t)
        f.t = t
        f.present = present
        f.values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        video.takeTickSummary().write(into: &f)
        let a = audio.takeTickSummary()
        a.write(into: &f)
        radar.takeTickSummary(room: room).write(into: &f)
        // A modality without data this tick is absent: its zeros must not read as "nobody there".
        if a.windows == 0 { f.present.remove(.audio) }
        for feature in Feature.allCases where !f.present.contains(feature.sensor) { f[feature] = 0 }

        let fusion = classifier.classify(f)
        if let occupied = tracker.update(t: t, features: f, fusion: fusion) {
            let count = radar.countsTargets && f.present.contains(.radar) ? Int(f[.radarTargets]) : nil
            events.append(.occupancy(OccupancyChange(t: t, occupied: occupied, confidence: fusion.probability,
                                                     sources: fusion.sources, count: count)))
        }
        let tick = Tick(features: f, fusion: fusion, occupied: tracker.occupied)
        lastTick = tick
        restored = false
        tickSink?(tick)
    }
}

