import PresenceCore
import PresenceFusion
import Testing
@testable import PresencePipeline

/// A pipeline that goes on from a room saved before a restart: the hold runs on from where it was (the time
/// away counted), the sensors then decide as usual, and the state says "restored" until the first tick.
@Suite struct RestoreTests {
    static let s = Nanos.perSecond
    /// An empty room's audio (silence) as the only sensor: nothing that says someone is there.
    static func silence(_ pipeline: Pipeline, from: Int64, to: Int64, events: inout [PresenceEvent]) {
        for t in stride(from: from, to: to, by: Int64.Stride(20 * Nanos.perMillisecond)) {
            pipeline.ingest(Sample(t: t, payload: .audio(AudioChunk(sampleRate: 16000, samples: [Int16](repeating: 0, count: 320)))),
                            events: &events)
        }
    }

    @Test func theTrackersSnapshotKeepsTheHoldsDeadline() {
        var tracker = Tracker(parameters: Tracker.Parameters(), start: 0)
        _ = tracker.update(t: 0, probability: 0.9)
        _ = tracker.update(t: 1 * Self.s, probability: 0.9)  // occupied after the on-latency
        _ = tracker.update(t: 2 * Self.s, probability: 0.9)
        let snapshot = tracker.snapshot
        #expect(snapshot == Tracker.Snapshot(occupied: true, since: 1 * Self.s, holdUntil: 32 * Self.s, lastProbable: 2 * Self.s))
        // On a clock 100 s later, with a longer hold configured: the deadline is kept.
        var restored = Tracker(parameters: Tracker.Parameters(hold: 60 * Self.s), restoring: snapshot.shifted(by: 100 * Self.s))
        #expect(restored.occupied && restored.since == 101 * Self.s)
        #expect(restored.update(t: 131 * Self.s, probability: 0) == nil)
        #expect(restored.update(t: 132 * Self.s, probability: 0) == false)
        #expect(Tracker(parameters: Tracker.Parameters(), start: 5).snapshot == Tracker.Snapshot(occupied: false, since: 5))
    }

    @Test func anOccupiedRoomStaysSoUntilItsHoldRunsOutCountingTheTimeAway() throws {
        let t0 = 1_800_000_000 * Self.s
        // Saved at t0 on the old run's clock: occupied since t0 − 60 s, hold until t0 + 20 s.
        let room = RoomState(t: t0, tracker: Tracker.Snapshot(occupied: true, since: t0 - 60 * Self.s, holdUntil: t0 + 20 * Self.s,
                                                                lastProbable: t0 - 10 * Self.s),
                             confidence: 0.2, sensors: [.audio: .ok, .camera: .lost])
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.audio]))
        // Away 5 s: the new run's first sample is at t1, its clock another than the old one's.
        let t1 = 7 * Self.s
        pipeline.restore(room, elapsed: 5 * Self.s)
        #expect(pipeline.state == OccupancyState(occupied: true, confidence: 0.2, since: t0 - 60 * Self.s, sensors: [.audio: .ok], restored: true))
        var events: [PresenceEvent] = []
        Self.silence(pipeline, from: t1, to: t1 + 500 * Nanos.perMillisecond, events: &events)
        #expect(events.isEmpty && pipeline.state.occupied && !pipeline.state.restored)
        // Since, on this run's clock: 60 s before the save, which was 5 s before t1.
        #expect(pipeline.state.since == t1 - 65 * Self.s)
        Self.silence(pipeline, from: t1 + 500 * Nanos.perMillisecond, to: t1 + 20 * Self.s, events: &events)
        let vacant = try #require(events.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }.first)
        // The hold ran to 20 s after the save, 15 s after t1: no later, no sooner (ticks of 100 ms).
        #expect(!vacant.occupied && vacant.t >= t1 + 15 * Self.s && vacant.t <= t1 + 15 * Self.s + 100 * Nanos.perMillisecond, "\(events)")
    }

    @Test func aHoldThatRanOutWhileAwayEndsAtTheFirstTick() {
        let room = RoomState(t: 100 * Self.s, tracker: Tracker.Snapshot(occupied: true, since: 50 * Self.s, holdUntil: 110 * Self.s,
                                                                          lastProbable: 80 * Self.s),
                             confidence: 0.1, sensors: [.audio: .ok])
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.audio]))
        pipeline.restore(room, elapsed: 25 * Self.s)
        var events: [PresenceEvent] = []
        Self.silence(pipeline, from: 0, to: 300 * Nanos.perMillisecond, events: &events)
        #expect(events.count == 1 && events.first.map { if case .occupancy(let o) = $0 { !o.occupied } else { false } } == true, "\(events)")
    }

    @Test func aRestoredStateIsTakenOnlyBeforeTheFirstSampleAndSensorsKeepTheirStatus() {
        let room = RoomState(t: 0, tracker: Tracker.Snapshot(occupied: false, since: 0), confidence: 0,
                             sensors: [.audio: .lost])
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.audio]))
        pipeline.restore(room, elapsed: 0)
        #expect(pipeline.state.sensors == [.audio: .lost] && pipeline.state.restored)
        var events: [PresenceEvent] = []
        // Its data flows: ok again, said once.
        Self.silence(pipeline, from: 10 * Self.s, to: 11 * Self.s, events: &events)
        let sensor = events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        #expect(sensor.map(\.status) == [.ok] && sensor.first?.previous == .lost, "\(sensor)")
        // Too late now: a pipeline that has started is not moved.
        pipeline.restore(RoomState(t: 0, tracker: Tracker.Snapshot(occupied: true, since: 0, holdUntil: 99 * Self.s, lastProbable: 0),
                                   confidence: 1, sensors: [:]), elapsed: 0)
        #expect(!pipeline.state.occupied && !pipeline.state.restored)
    }

    @Test func theSavedRoomIsTheLastTicks() throws {
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.audio]))
        #expect(pipeline.roomState == nil)
        var events: [PresenceEvent] = []
        Self.silence(pipeline, from: 0, to: 1 * Self.s, events: &events)
        let room = try #require(pipeline.roomState)
        #expect(room.t == pipeline.lastTick?.features.t && room.tracker == Tracker.Snapshot(occupied: false, since: 0))
        #expect(room.sensors == [.audio: .ok])
    }
}
