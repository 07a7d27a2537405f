import PresenceCore
import Testing
import PresenceFusion
@testable import PresencePipeline

/// Scoring against labels, on hand-made traces whose right answers are counted by hand.
@Suite struct EvaluationTests {
    static let tick = 100 * Nanos.perMillisecond
    static let hold = 30 * Nanos.perSecond

    /// Ticks 0.1 s ... `seconds`, occupied where `occupied(k)` says (k = tick number), with the events that implies.
    static func trace(seconds: Int, labels: [(Double, Bool, String?)], occupied: (Int) -> Bool) -> RecordingTrace {
        var t = RecordingTrace(name: "test", path: "test.mcap")
        t.labels = labels.map { .init(t: Nanos.seconds($0.0), occupied: $0.1, condition: $0.2) }
        var state = false
        for k in 1...(seconds * 10) {
            let now = Int64(k) * tick
            let o = occupied(k)
            if o != state {
                t.events.append(.occupancy(OccupancyChange(t: now, occupied: o, confidence: o ? 0.9 : 0.1, sources: [:])))
                state = o
            }
            t.ticks.append(.init(t: now, probability: o ? 0.9 : 0.1, occupied: o, sources: [.radar: o ? 0.8 : 0.2, .camera: 0.7]))
        }
        return t
    }

    @Test func entryExitAndTheHoldAfterAnExit() {
        let trace = Self.trace(seconds: 70, labels: [(0, false, "empty"), (10, true, "moving"), (15, true, "still"), (30, false, "empty")],
                               occupied: { (104..<601).contains($0) })
        let s = RecordingScore(trace, tickPeriod: Self.tick, hold: Self.hold)
        #expect(s.entryLatencies.count == 1 && abs(s.entryLatencies[0] - 0.4) < 1e-9)
        #expect(s.exitLatencies.count == 1 && abs(s.exitLatencies[0] - 30.1) < 1e-9)
        #expect(s.missedEntries.isEmpty && s.unclearedExits.isEmpty && s.falseAlarms.isEmpty && s.falseVacancies.isEmpty)
        // 30.0 ... 60.0 s is the hold after the exit: 301 ticks not counted.
        #expect(s.excludedTicks == 301)
        #expect(s.ticks == Self.confusion(tp: 196, fp: 0, tn: 199, fn: 4))
        #expect(s.conditions["moving"] == Self.confusion(tp: 46, fp: 0, tn: 0, fn: 4))
        #expect(s.conditions["still"] == Self.confusion(tp: 150, fp: 0, tn: 0, fn: 0))
        #expect(s.conditions["empty"] == Self.confusion(tp: 0, fp: 0, tn: 199, fn: 0))
        // The camera said 0.7 throughout: always "occupied" on its own.
        #expect(s.modalities["camera"] == Self.confusion(tp: 200, fp: 199, tn: 0, fn: 0))
        #expect(abs(s.occupiedSeconds - 20) < 1e-6 && abs(s.emptySeconds - 19.9) < 1e-6)
    }

    @Test func falseAlarmsInAnEmptyRoom() {
        let trace = Self.trace(seconds: 70, labels: [(0, false, "pet")], occupied: { (50..<100).contains($0) })
        let s = RecordingScore(trace, tickPeriod: Self.tick, hold: Self.hold)
        #expect(s.falseAlarms == [5.0])
        #expect(s.falseVacancies.isEmpty && s.entryLatencies.isEmpty && s.exitLatencies.isEmpty)
        #expect(s.ticks == Self.confusion(tp: 0, fp: 50, tn: 650, fn: 0))
        #expect(s.ticks.precision == 0 && s.ticks.recall == nil && s.ticks.f1 == 0)
        let e = Evaluation(settings: Self.settings, traces: [trace], tickPeriod: Self.tick)
        #expect(e.overall.falseAlarms == 1)
        #expect(abs(e.overall.falseAlarmsPerEmptyHour! - 3600 / 70) < 1e-6)
        #expect(e.overall.falseVacanciesPerOccupiedHour == nil)
    }

    /// Sounds one at a time in a quiet room: a dog at 10 s switches the room on 1 s after it ends (within the
    /// 2 s grace), a sneeze at 60 s does not, a second dog at 100 s does not (and a rain at 130 s finds the room
    /// already occupied by a mistake of its own making: it is not counted as a stretch).
    @Test func switchedOnCountsTheStretchesThatFoundTheRoomVacantAndSwitchedItOn() {
        let labels: [(Double, Bool, String?)] = [(0, false, "room-tone"), (10, false, "dog"), (15, false, "room-tone"),
                                                 (60, true, "sneeze"), (62, false, "room-tone"), (100, false, "dog"),
                                                 (105, false, "room-tone"), (130, false, "rain"), (135, false, "room-tone")]
        let trace = Self.trace(seconds: 170, labels: labels, occupied: { (160..<400).contains($0) || (1290..<1400).contains($0) })
        let s = RecordingScore(trace, tickPeriod: Self.tick, hold: Self.hold)
        #expect(s.switchedOn["dog"] == .init(stretches: 2, switchedOn: 1))
        #expect(s.switchedOn["sneeze"] == .init(stretches: 1, switchedOn: 0))
        #expect(s.switchedOn["rain"] == .init(stretches: 0, switchedOn: 0) || s.switchedOn["rain"] == nil)
        // The room tone after the rain found the room occupied; the one after the first dog too.
        #expect(s.switchedOn["room-tone"]?.switchedOn == 1, "the tone before 130 s switched it on at 129 s")
        let e = Evaluation(settings: Self.settings, traces: [trace, trace], tickPeriod: Self.tick)
        #expect(e.switchedOn["dog"] == .init(stretches: 4, switchedOn: 2))
        #expect(e.switchedOn["dog"]?.share == 0.5)
    }

    @Test func missedEntryLateEntryAndAFalseVacancy() {
        // Someone at 10-20 s is never seen; someone from 40 s is seen at 45 s, then dropped at 60 s.
        let trace = Self.trace(seconds: 70, labels: [(0, false, nil), (10, true, nil), (20, false, nil), (40, true, nil)],
                               occupied: { (450..<600).contains($0) })
        let s = RecordingScore(trace, tickPeriod: Self.tick, hold: Self.hold)
        #expect(s.missedEntries == [10.0])
        #expect(s.entryLatencies == [5.0])
        // The tracker was already vacant when the first person left.
        #expect(s.exitLatencies == [0])
        #expect(s.falseVacancies == [60.0])
        #expect(s.falseAlarms.isEmpty && s.unclearedExits.isEmpty)
        #expect(Set(s.conditions.keys) == ["occupied", "empty"])
    }

    @Test func anExitNeverReportedIsUncleared() {
        let trace = Self.trace(seconds: 20, labels: [(0, false, nil), (5, true, nil), (10, false, nil)], occupied: { $0 >= 55 })
        let s = RecordingScore(trace, tickPeriod: Self.tick, hold: Self.hold)
        #expect(s.entryLatencies == [0.5])
        #expect(s.unclearedExits == [10.0])
        #expect(s.exitLatencies.isEmpty)
        // Everything after the exit is within the hold: not counted.
        #expect(s.excludedTicks == 101)
    }

    @Test func ticksBeforeTheFirstLabelAreNotCounted() {
        let trace = Self.trace(seconds: 10, labels: [(2, false, nil)], occupied: { _ in false })
        let s = RecordingScore(trace, tickPeriod: Self.tick, hold: Self.hold)
        #expect(s.excludedTicks == 19)
        #expect(s.ticks.total == 81)
    }

    @Test func latencySummaryUsesNearestRank() {
        let l = Evaluation.Latency((1...20).map(Double.init).reversed())
        #expect(l.count == 20 && l.median == 10.5 && l.p95 == 19 && l.max == 20)
        let one = Evaluation.Latency([0.4])
        #expect(one.median == 0.4 && one.p95 == 0.4)
        #expect(Evaluation.Latency([]).median == nil)
    }

    static let settings = Evaluation.Settings(tickSeconds: 0.1, holdSeconds: 30, onThreshold: 0.6, offThreshold: 0.4, model: "test")

    static func confusion(tp: Int, fp: Int, tn: Int, fn: Int) -> Confusion {
        var c = Confusion()
        c.truePositives = tp
        c.falsePositives = fp
        c.trueNegatives = tn
        c.falseNegatives = fn
        return c
    }
}
