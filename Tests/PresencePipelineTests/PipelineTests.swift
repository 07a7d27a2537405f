import PresenceCore
import PresenceRadar
import PresenceRecording
import PresenceSimulator
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

    /// Frames that fail their checks make the radar `degraded` at the tick they are seen, with how many;
    /// it is `ok` again after DataLossMonitor.recovery without one. Good frames all along: never lost.
    @Test func radarGarbageDegradesItUntilTheDataIsCleanAgain() {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.radar]))
        var events: [PresenceEvent] = []
        func frame(_ ms: Int64, corrupt: Bool) {
            var bytes = LD2410Encoder.report(LD2410Report(targetState: 0, movingDistanceCm: 0, movingEnergy: 0, stillDistanceCm: 0,
                                                          stillEnergy: 0, detectionDistanceCm: 0))
            if corrupt { bytes[bytes.count - 1] ^= 0xFF }  // a broken end marker: the frame is rejected
            pipeline.ingest(Sample(t: Self.start + ms * Nanos.perMillisecond, payload: .serial(.init(model: .ld2410, device: "x", bytes: bytes))),
                            events: &events)
        }
        for ms in stride(from: Int64(0), to: 3_000, by: 50) { frame(ms, corrupt: false) }
        for ms in stride(from: Int64(3_000), to: 3_200, by: 50) { frame(ms, corrupt: true) }  // four bad frames
        for ms in stride(from: Int64(3_200), to: 12_000, by: 50) { frame(ms, corrupt: false) }
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.degraded, .ok], "\(sensor)")
        #expect(pipeline.radarBadFrames == 4)
        if sensor.count == 2 {
            #expect(sensor[0].reason?.hasSuffix("corrupt frames") == true && sensor[0].previous == .ok)
            #expect(sensor[0].t > Self.start + 3_000 * Nanos.perMillisecond && sensor[0].t <= Self.start + 3_300 * Nanos.perMillisecond)
            // Back once a whole recovery window passed after the tick that saw the last bad frame.
            #expect(sensor[1].t - sensor[0].t >= DataLossMonitor.recovery && sensor[1].t - sensor[0].t <= DataLossMonitor.recovery + 300 * Nanos.perMillisecond)
            #expect(sensor[1].reason == "no data lost for 5s" && sensor[1].previous == .degraded)
        }
    }

    /// Each kind of loss in words, all of a tick's together; recovery counts from the last tick that saw one.
    @Test func lossesSayWhatWasLostAndRecoveryCountsFromTheLast() {
        var m = DataLossMonitor()
        m.record(.camera, .overrun, count: 3)
        m.record(.camera, .ringFull, count: 1)
        m.record(.camera, .corrupt, count: 0)
        #expect(m.takeLoss(.camera, at: 0) == "3 frames skipped by the driver, 1 sample dropped (the pipeline fell behind)")
        #expect(m.takeLoss(.camera, at: 100) == nil)
        #expect(!m.recovered(.camera, at: DataLossMonitor.recovery - 1) && m.recovered(.camera, at: DataLossMonitor.recovery))
        m.record(.radar, .corrupt, count: 1)
        m.forget(.radar)
        #expect(m.takeLoss(.radar, at: 0) == nil && m.recovered(.radar, at: 0), "what a lost sensor lost is forgotten")
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
}
