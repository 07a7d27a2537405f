import PresenceCore
import Testing
@testable import PresenceFusion

@Suite struct TrackerTests {
    static let ms = Nanos.perMillisecond
    static let params = Tracker.Parameters(onThreshold: 0.6, offThreshold: 0.4, onLatency: 300 * ms, hold: 2000 * ms)

    /// Feeds p per 100 ms tick; returns (tick index, new state) for each change.
    static func run(_ ps: [Double]) -> [(Int, Bool)] {
        var t = Tracker(parameters: params)
        return ps.enumerated().compactMap { i, p in t.update(t: Int64(i) * 100 * ms, probability: p).map { (i, $0) } }
    }

    @Test func needsOnLatencyBeforeOccupied() {
        #expect(Self.run([0.9, 0.9, 0.9, 0.1]).isEmpty)
        let changes = Self.run([0.1, 0.9, 0.9, 0.9, 0.9])
        #expect(changes.count == 1 && changes[0] == (4, true))
    }

    @Test func holdsThroughQuietAndHysteresis() {
        // Occupied at tick 3; p then sits between the thresholds (no change), then drops.
        let ps = [0.9, 0.9, 0.9, 0.9] + Array(repeating: 0.5, count: 30) + Array(repeating: 0.1, count: 25)
        let changes = Self.run(ps)
        #expect(changes.count == 2)
        #expect(changes[0] == (3, true))
        // Last evidence at tick 33 (p = 0.5 >= off); vacant 2 s later, at tick 53.
        #expect(changes[1] == (53, false))
    }

    @Test func blipsBelowOffDoNotEndOccupancyWithinHold() {
        var ps = Array(repeating: 0.9, count: 5)
        for _ in 0..<5 { ps += Array(repeating: 0.1, count: 15) + [0.8] }
        #expect(Self.run(ps).map(\.1) == [true])
    }
}

/// Signs of someone still there (breathing, a voice) prolong an occupied room, up to a limit, and never
/// make one occupied.
@Suite struct TrackerExtensionTests {
    let ms = Nanos.perMillisecond

    @Test func stillThereHoldsTheRoomUpToTheExtension() {
        var params = Tracker.Parameters(onThreshold: 0.6, offThreshold: 0.4, onLatency: 0, hold: 1000 * ms, maxExtension: 3000 * ms)
        var t = Tracker(parameters: params)
        #expect(t.update(t: 0, probability: 0.1, stillThere: true) == nil, "signs alone do not make a room occupied")
        #expect(t.update(t: 100 * ms, probability: 0.9) == true)
        // p low from 200 ms on, signs all along: held until 3 s after p last said so, then the hold runs.
        var vacantAt: Int64?
        for i in 2..<80 where vacantAt == nil {
            if t.update(t: Int64(i) * 100 * ms, probability: 0.1, stillThere: true) == false { vacantAt = Int64(i) * 100 * ms }
        }
        #expect(vacantAt == 4100 * ms, "last p evidence 100 ms, extension to 3.1 s, hold 1 s")
        params.maxExtension = 0
        t = Tracker(parameters: params)
        _ = t.update(t: 0, probability: 0.9)
        var off: Int64?
        for i in 1..<40 where off == nil {
            if t.update(t: Int64(i) * 100 * ms, probability: 0.1, stillThere: true) == false { off = Int64(i) * 100 * ms }
        }
        #expect(off == 1000 * ms)
    }

    @Test func breathingCountsOnlyWithARadarTarget() {
        let t = Tracker(parameters: Tracker.Parameters())
        var f = FeatureVector(t: 0, present: [.radar])
        f[.radarBreathingShare] = 0.8
        f[.radarBreathingAmplitude] = 4
        #expect(!t.stillThere(f))
        f[.radarTargets] = 1
        #expect(t.stillThere(f))
        f[.radarBreathingAmplitude] = 0.5
        #expect(!t.stillThere(f), "an empty room's clutter")
        f.present = [.audio]
        f[.audioVoice] = 0.9
        #expect(t.stillThere(f))
    }

    /// A television in a room the camera and the radar both see empty: loud, talking, p high from the
    /// microphone. It must not switch the room on, nor keep it by its voice; a person the radar sees may.
    @Test func soundAloneNeitherSwitchesOnNorHoldsByVoice() {
        let ms = Nanos.perMillisecond
        var t = Tracker(parameters: Tracker.Parameters(onLatency: 300 * ms, hold: 2000 * ms))
        var f = FeatureVector(t: 0, present: [.camera, .audio, .radar])
        f[.audioVoice] = 0.9
        let television = FusionResult(probability: 0.95, sources: [.camera: 0.05, .audio: 0.99, .radar: 0.1])
        #expect(t.soundAlone(f, sources: television.sources))
        #expect(!t.stillThere(f, soundAlone: true) && t.stillThere(f, soundAlone: false))
        for i in 0..<50 { #expect(t.update(t: Int64(i) * 100 * ms, features: f, fusion: television) == nil) }
        // Someone just out of the camera's view, talking, seen by the radar: switched on.
        let outOfView = FusionResult(probability: 0.95, sources: [.camera: 0.05, .audio: 0.99, .radar: 0.5])
        #expect(!t.soundAlone(f, sources: outOfView.sources))
        var changes: [Bool] = []
        for i in 50..<60 { if let c = t.update(t: Int64(i) * 100 * ms, features: f, fusion: outOfView) { changes.append(c) } }
        #expect(changes == [true])
        // They leave; the television talks on: p stays high from sound alone, which still holds the room
        // (it may keep an occupied room), but once p falls the voice alone does not.
        for i in 60..<80 { #expect(t.update(t: Int64(i) * 100 * ms, features: f, fusion: television) == nil) }
        let quieter = FusionResult(probability: 0.2, sources: [.camera: 0.05, .audio: 0.5, .radar: 0.1])
        var off: Int?
        for i in 80..<120 where off == nil { if t.update(t: Int64(i) * 100 * ms, features: f, fusion: quieter) == false { off = i } }
        #expect(off == 99, "vacant 2 s after p last passed the off threshold, the voice notwithstanding")
        // Without a camera the microphone is not alone: the rule needs both other sensors' word.
        f.present = [.audio, .radar]
        #expect(!t.soundAlone(f, sources: SensorScores(dictionaryLiteral: (.audio, 0.99), (.radar, 0.1))))
        let disabled = Tracker(parameters: Tracker.Parameters(soundAloneBelow: 0))
        f.present = [.camera, .audio, .radar]
        #expect(!disabled.soundAlone(f, sources: television.sources))
    }
}
