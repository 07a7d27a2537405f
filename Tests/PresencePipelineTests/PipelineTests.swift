import PresenceCore
import PresenceRadar
import PresenceRecording
import PresenceSimulator
import PresenceTestSupport
import Testing
@testable import PresencePipeline
import PresenceFusion

@Suite struct PipelineTests {
    static let start = Simulator.defaultStart

    static func run(_ scene: SimulatedScene, seconds: Int64, keep: (Sample) -> Bool) -> (events: [PresenceEvent], ticks: [Pipeline.Tick]) {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.camera, .audio, .radar]))
        var events: [PresenceEvent] = []
        var ticks: [Pipeline.Tick] = []
        pipeline.tickSink = { ticks.append($0) }
        Simulator(scene: scene, duration: seconds * Nanos.perSecond, seed: 4).run { out in
            if case .sample(let s) = out, keep(s) { pipeline.ingest(s, events: &events) }
        }
        pipeline.finish(events: &events)
        return (events, ticks)
    }

    @Test func cameraDropoutIsReportedAndTheOtherSensorsCarryOn() {
        // In a 120 s sit-still scene the person sits from about 12 s to 75 s.
        let gapStart = Self.start + 25 * Nanos.perSecond, gapEnd = Self.start + 55 * Nanos.perSecond
        let (events, ticks) = Self.run(.sitStill, seconds: 120) { s in
            !(s.sensor == .camera && s.t >= gapStart && s.t < gapEnd)
        }
        let sensorEvents = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensorEvents.map(\.status) == [.lost, .ok])
        #expect(sensorEvents.allSatisfy { $0.sensor == .camera })
        if sensorEvents.count == 2 {
            // Lost once 2 s pass without a frame (the last one came a frame period before the gap);
            // back at the first tick after frames resume.
            #expect(sensorEvents[0].t - gapStart > 1_900_000_000 && sensorEvents[0].t - gapStart <= 2_100_000_000)
            #expect(sensorEvents[1].t > gapEnd && sensorEvents[1].t - gapEnd <= 200_000_000)
        }
        // The person sits still through the gap: radar alone keeps the room occupied until they leave.
        let occupancy = events.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }
        #expect(occupancy.map(\.occupied) == [true, false], "\(occupancy)")
        #expect((occupancy.last?.t ?? 0) > Self.start + 75 * Nanos.perSecond)
        let inGap = ticks.filter { $0.features.t > gapStart + 3 * Nanos.perSecond && $0.features.t < gapEnd }
        #expect(!inGap.isEmpty && inGap.allSatisfy { !$0.features.present.contains(.camera) && $0.fusion.sources[.camera] == nil })
    }

    @Test func aSensorThatNeverDeliversIsLostAfterTheTimeout() {
        let (events, _) = Self.run(.empty, seconds: 10) { $0.sensor != .audio }
        let sensorEvents = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensorEvents.count == 1 && sensorEvents.first?.sensor == .audio && sensorEvents.first?.status == .lost)
    }

    @Test func corruptRadarBytesAreCountedNotFatal() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.radar]))
        var events: [PresenceEvent] = []
        var rng = SplitMix64(seed: 9)
        for i in 0..<200 {
            var bytes = (0..<40).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if i % 3 == 0 { bytes.replaceSubrange(0..<4, with: [0xF4, 0xF3, 0xF2, 0xF1]) }
            pipeline.ingest(Sample(t: Self.start + Int64(i) * 100_000_000, payload: .serial(.init(model: .ld2410, device: "x", bytes: bytes))), events: &events)
        }
        #expect(pipeline.radarBadFrames > 0)
        #expect(!pipeline.state.occupied)
        // Line noise that still lets frames through is a degraded radar, not a lost one.
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.degraded] && sensor.first?.reason?.contains("corrupt frame") == true, "\(sensor)")
    }

    /// Radar frames, one LD2410 frame every 50 ms from `start` ms to `end` ms; `corrupt` says which fail their checks.
    static func radarFrames(_ pipeline: Pipeline, from start: Int64, to end: Int64, corrupt: (Int64) -> Bool,
                            events: inout [PresenceEvent]) {
        for ms in stride(from: start, to: end, by: 50) {
            var bytes = LD2410Encoder.report(LD2410Report(targetState: 0, movingDistanceCm: 0, movingEnergy: 0, stillDistanceCm: 0,
                                                          stillEnergy: 0, detectionDistanceCm: 0))
            if corrupt(ms) { bytes[bytes.count - 1] ^= 0xFF }  // a broken end marker: the frame is rejected
            pipeline.ingest(Sample(t: Self.start + ms * Nanos.perMillisecond, payload: .serial(.init(model: .ld2410, device: "x", bytes: bytes))),
                            events: &events)
        }
    }

    /// Frames that fail their checks make the radar `degraded` at the tick they are seen, with how many;
    /// it is `ok` again after a clean period, but not before a minute has passed. Good frames all along: never lost.
    @Test func radarGarbageDegradesItUntilTheDataIsCleanAgain() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.radar]))
        var events: [PresenceEvent] = []
        // Four bad frames at 3.0-3.15 s, clean before and after.
        Self.radarFrames(pipeline, from: 0, to: 90_000, corrupt: { $0 >= 3_000 && $0 < 3_200 }, events: &events)
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.degraded, .ok], "\(sensor)")
        #expect(pipeline.radarBadFrames == 4)
        if sensor.count == 2 {
            #expect(sensor[0].reason?.hasSuffix("corrupt frames") == true && sensor[0].previous == .ok, "\(sensor[0])")
            #expect(sensor[0].t > Self.start + 3_000 * Nanos.perMillisecond && sensor[0].t <= Self.start + 3_300 * Nanos.perMillisecond)
            // Clean for 5 s long before; ok once a whole minute has passed since it turned degraded.
            #expect(sensor[1].t - sensor[0].t == DataLossMonitor.minimumDegraded)
            #expect(sensor[1].reason == "no data lost for 5s" && sensor[1].previous == .degraded)
        }
    }

    /// A radar that loses one frame every 6 s (a loose connector) turns degraded once, ok once after the minute,
    /// relapses with its rate in the reason, and then stays degraded: its clean periods (6 s) are shorter than
    /// the relapse's recovery (10 s). No flapping, however long it goes on.
    @Test func aSensorThatKeepsLosingALittleStaysDegradedInsteadOfFlapping() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.radar]))
        var events: [PresenceEvent] = []
        Self.radarFrames(pipeline, from: 0, to: 20 * 60_000, corrupt: { $0 % 6_000 == 1_000 }, events: &events)
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.degraded, .ok, .degraded], "\(sensor)")
        #expect(pipeline.radarBadFrames == 200)
        if sensor.count == 3 {
            #expect(sensor[0].reason == "1 corrupt frame")
            #expect(sensor[1].t - sensor[0].t >= DataLossMonitor.minimumDegraded)
            #expect(sensor[2].reason == "1 corrupt frame (10 in the last minute)", "\(sensor[2])")
        }
    }

    /// Each kind of loss in words, all of a tick's together; the clean period doubles with each relapse, and a
    /// sensor that stayed clean for the relapse window starts afresh.
    @Test func lossesSayWhatWasLostAndRecoveryGrowsWithRelapses() {
        var m = DataLossMonitor()
        let s = Nanos.perSecond
        m.record(.camera, .overrun, count: 3)
        m.record(.camera, .ringFull, count: 1)
        m.record(.camera, .corrupt, count: 0)
        #expect(m.update(.camera, at: 0, degraded: false) == .degraded("3 frames skipped by the driver, 1 sample dropped (the pipeline fell behind)"))
        #expect(m.update(.camera, at: 59 * s, degraded: true) == nil, "a minute at least")
        #expect(m.update(.camera, at: 60 * s, degraded: true) == .recovered("no data lost for 5s"))
        // A relapse 2 minutes later: 10 s of clean data needed, and again the minute.
        m.record(.camera, .overrun, count: 1)
        #expect(m.update(.camera, at: 180 * s, degraded: false) == .degraded("1 frame skipped by the driver"))
        m.record(.camera, .overrun, count: 1)
        #expect(m.update(.camera, at: 235 * s, degraded: true) == nil)
        #expect(m.update(.camera, at: 244 * s, degraded: true) == nil, "9 s clean is not enough after a relapse")
        #expect(m.update(.camera, at: 245 * s, degraded: true) == .recovered("no data lost for 10s"))
        // Ten minutes clean after that ok: the next loss is a first one again.
        m.record(.camera, .overrun, count: 1)
        #expect(m.update(.camera, at: 245 * s + DataLossMonitor.relapseWindow + s, degraded: false) == .degraded("1 frame skipped by the driver"))
        #expect(m.update(.camera, at: 245 * s + DataLossMonitor.relapseWindow + 61 * s, degraded: true) == .recovered("no data lost for 5s"))
        #expect(DataLossMonitor.recovery(afterRelapses: 20) == DataLossMonitor.maxRecovery)
        m.record(.radar, .corrupt, count: 1)
        m.forget(.radar)
        #expect(m.update(.radar, at: 0, degraded: false) == nil, "what a lost sensor lost is forgotten")
    }

    /// Losses the source reports (an ALSA overrun) degrade the sensor; silence then makes it lost, which wins;
    /// after its return it is ok (and what it lost while lost is not held against it).
    @Test func anOverrunDegradesTheMicrophoneAndLostWinsOverDegraded() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.audio]))
        var events: [PresenceEvent] = []
        func audio(from: Int64, to: Int64) {
            for ms in stride(from: from, to: to, by: 20) {
                pipeline.ingest(Sample(t: Self.start + ms * Nanos.perMillisecond,
                                       payload: .audio(AudioChunk(sampleRate: 16000, samples: [Int16](repeating: 0, count: 320)))), events: &events)
            }
        }
        audio(from: 0, to: 1_000)
        pipeline.dataLost(.audio, .overrun, count: 1)
        audio(from: 1_000, to: 2_000)
        #expect(pipeline.state.sensors[.audio] == .degraded)
        // Silent from 2 s: lost at 4 s, while still inside the overrun's recovery window.
        pipeline.dataLost(.audio, .overrun, count: 3)
        pipeline.advance(to: Self.start + 4_500 * Nanos.perMillisecond, events: &events)
        audio(from: 4_500, to: 6_000)
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.degraded, .lost, .ok], "\(sensor)")
        #expect(sensor.first?.reason == "1 ALSA overrun")
        #expect(sensor.dropFirst().first?.previous == .degraded && sensor.last?.previous == .lost)
        #expect(pipeline.state.sensors[.audio] == .ok)
    }

    /// Live capture: a device that fails is lost at once with its reason; it is ok again only after its
    /// capture thread says it delivers (not merely because a sample stamped after the failure arrived).
    @Test func aFailureReportedByCaptureAndTheReturn() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.audio]))
        var events: [PresenceEvent] = []
        func audio(_ ms: Int64) -> Sample {
            Sample(t: Self.start + ms * Nanos.perMillisecond, payload: .audio(AudioChunk(sampleRate: 16000, samples: [Int16](repeating: 0, count: 320))))
        }
        for ms in stride(from: Int64(0), to: 1000, by: 20) { pipeline.ingest(audio(ms), events: &events) }
        pipeline.sensorFailed(.audio, reason: "read default: Input/output error", at: Self.start + 1_000 * Nanos.perMillisecond, events: &events)
        // A chunk stamped later but read before the failure, then ticks without anything.
        pipeline.ingest(audio(1_010), events: &events)
        pipeline.advance(to: Self.start + 1_500 * Nanos.perMillisecond, events: &events)
        var sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.lost] && sensor.first?.reason == "read default: Input/output error")
        #expect(pipeline.state.sensors[.audio] == .lost)
        pipeline.sensorResumed(.audio, at: Self.start + 1_600 * Nanos.perMillisecond, events: &events)
        pipeline.ingest(audio(1_620), events: &events)
        pipeline.advance(to: Self.start + 1_800 * Nanos.perMillisecond, events: &events)
        sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.lost, .ok])
        #expect(sensor.last.map { $0.t > Self.start + 1_600 * Nanos.perMillisecond } == true)
    }

    /// With no sample at all, time still passes: ticks close and silent sensors are found lost.
    @Test func idleTimeClosesTicksWithoutSamples() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.camera]))
        var events: [PresenceEvent] = []
        var ticks = 0
        pipeline.tickSink = { _ in ticks += 1 }
        for k in 1...30 { pipeline.advance(to: Self.start + Int64(k) * 100 * Nanos.perMillisecond, events: &events) }
        #expect(ticks == 29)
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.count == 1 && sensor.first?.status == .lost && sensor.first?.reason == "no data for 2s")
        #expect(!pipeline.state.occupied)
    }

    /// An LD2450 alone in a room with ghosts (seed 7's: one of them moves on the spot), never calibrated: the
    /// empty room never turns occupied; someone who walks in at 8 s and sits makes it occupied at once, and it
    /// turns vacant a hold after they left at 80 s.
    @Test func anUncalibratedLD2450RoomWithGhosts() {
        func occupancy(_ scene: SimulatedScene) -> [(t: Double, occupied: Bool)] {
            let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.radar]))
            var events: [PresenceEvent] = []
            var sim = Simulator(scene: scene, duration: 120 * Nanos.perSecond, seed: 7)
            sim.radar = .ld2450
            sim.run { out in
                if case .sample(let s) = out, s.sensor == .radar { pipeline.ingest(s, events: &events) }
            }
            pipeline.finish(events: &events)
            return events.compactMap { if case .occupancy(let o) = $0 { (Nanos.toSeconds(o.t - Simulator.defaultStart), o.occupied) } else { nil } }
        }
        #expect(occupancy(.empty).isEmpty)
        let sitting = occupancy(.sitStill)
        #expect(sitting.map(\.occupied) == [true, false], "\(sitting)")
        #expect(sitting.first.map { $0.t > 8 && $0.t < 11 } == true, "\(sitting)")
        #expect(sitting.last.map { $0.t > 100 && $0.t < 115 } == true, "\(sitting)")
    }

    /// An LD2450 counts people: the occupancy event carries `count` (its targets, ghosts left out), and the
    /// pipeline says how many are there now; an LD2410 cannot count, and its events have no `count`.
    @Test func anLD2450sTargetsAreCountedInTheEvent() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.radar]))
        var events: [PresenceEvent] = []
        for (k, two) in LD2450Walks.walkIn(to: [(-0.5, 1.5), (0.7, 2.5)], reports: 50).enumerated() {
            let t = Self.start + Int64(k) * 100 * Nanos.perMillisecond
            let bytes = LD2450Parser.encode(Array(two))
            pipeline.ingest(Sample(t: t, payload: .serial(SerialChunk(model: .ld2450, device: "/dev/ttyUSB0", bytes: bytes))), events: &events)
        }
        let changes = events.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }
        #expect(changes.first?.occupied == true && changes.first?.count == 2, "\(changes)")
        #expect(events.first { if case .occupancy = $0 { true } else { false } }?.jsonLine(seq: 1).contains(#""count":2"#) == true)
        #expect(pipeline.targetCount == 2)

        let (ld2410, _) = Self.run(.walkThrough, seconds: 20) { _ in true }
        let entered = ld2410.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }
        #expect(!entered.isEmpty && entered.allSatisfy { $0.count == nil })
        #expect(ld2410.allSatisfy { !$0.jsonLine(seq: 1).contains("count") })
    }
}
