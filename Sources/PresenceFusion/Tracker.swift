import PresenceCore

/// Turns per-tick p(occupied) into a steady occupied/vacant state: hysteresis
/// (on and off thresholds), an on-latency against one-tick blips, and a hold
/// time that keeps the room occupied through quiet moments. Signs of someone
/// still there that the fused p may miss (the radar's breathing band, a voice)
/// extend the hold, for at most `maxExtension` after p last said so: a person
/// reading or asleep stays "occupied", a curtain cannot keep a room occupied forever.
public struct Tracker: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var onThreshold: Double
        public var offThreshold: Double
        /// p must stay at or above onThreshold this long before the room becomes occupied.
        public var onLatency: Int64
        /// The room becomes vacant only after p stayed below offThreshold this long.
        public var hold: Int64
        /// How long after p last said "occupied" other signs of someone (`update`'s `stillThere`) may keep
        /// the room occupied; 0: they never do.
        public var maxExtension: Int64
        /// The signs of someone still there: the radar's breathing band holding at least `breathingShare` of
        /// the still energy's variation with at least `breathingAmplitude` (RMS, energy units: an empty
        /// room's clutter stays under 1, a sitting person's breathing measures 3-6), and the voice score at
        /// or above `voice`. 0 disables each. Breathing counts only while the radar reports a target.
        public var breathingShare: Float
        public var breathingAmplitude: Float
        public var voice: Float
        /// When the camera and the radar are both present and each one's own score is below this, they are
        /// confidently empty: sound alone may not switch the room on then, nor keep it by a voice (a
        /// television in an empty room). It may still keep an occupied room by p itself. 0 disables.
        public var soundAloneBelow: Double

        public init(onThreshold: Double = 0.6, offThreshold: Double = 0.4,
                    onLatency: Int64 = 300 * Nanos.perMillisecond, hold: Int64 = 30 * Nanos.perSecond,
                    maxExtension: Int64 = 10 * 60 * Nanos.perSecond, breathingShare: Float = 0.5,
                    breathingAmplitude: Float = 2, voice: Float = 0.7, soundAloneBelow: Double = 0.3) {
            self.soundAloneBelow = soundAloneBelow
            self.breathingShare = breathingShare
            self.breathingAmplitude = breathingAmplitude
            self.voice = voice
            self.onThreshold = onThreshold
            self.offThreshold = offThreshold
            self.onLatency = onLatency
            self.hold = hold
            self.maxExtension = maxExtension
        }
    }

    public var parameters: Parameters

    /// Whether only the microphone could be saying someone is there: camera and radar both present and
    /// both confidently empty by their own scores (`soundAloneBelow`).
    public func soundAlone(_ f: FeatureVector, sources: SensorScores) -> Bool {
        guard parameters.soundAloneBelow > 0, f.present.contains(.camera), f.present.contains(.radar),
              let camera = sources[.camera], let radar = sources[.radar] else { return false }
        return camera < parameters.soundAloneBelow && radar < parameters.soundAloneBelow
    }

    /// Whether the tick's features show a sign of someone still there (breathing, a voice). A voice does
    /// not count while the sound is alone (`soundAlone`): a television talks all evening.
    public func stillThere(_ f: FeatureVector, soundAlone: Bool = false) -> Bool {
        let p = parameters
        // Breathing counts while the radar itself still reports a target: the 20 s window behind the
        // breathing figures still holds the movements of someone who has just walked out.
        let breathing = p.breathingShare > 0 && f.present.contains(.radar) && f[.radarBreathingShare] >= p.breathingShare
            && f[.radarBreathingAmplitude] >= p.breathingAmplitude && f[.radarTargets] >= 1
        let voice = p.voice > 0 && !soundAlone && f.present.contains(.audio) && f[.audioVoice] >= p.voice
        return breathing || voice
    }
    public private(set) var occupied = false
    /// Sample time of the last state change.
    public private(set) var since: Int64
    private var aboveOnSince: Int64?
    /// The last tick with evidence of someone: p at or above offThreshold, or (within maxExtension of
    /// the last such p) a sign that someone is still there.
    private var lastEvidence: Int64 = .min
    private var lastProbable: Int64 = .min

    public init(parameters: Parameters, start: Int64 = 0) {
        self.parameters = parameters
        since = start
    }

    /// What a restart must not forget: the state, since when, and where the hold runs to. Times are
    /// sample times of the run that took it.
    public struct Snapshot: Sendable, Equatable {
        public var occupied: Bool
        public var since: Int64
        /// Occupied: the room turns vacant at this time unless evidence comes (the last evidence plus the hold).
        public var holdUntil: Int64?
        /// Occupied: the last tick at which p itself said occupied (signs of someone extend the hold for
        /// `maxExtension` after it).
        public var lastProbable: Int64?

        public init(occupied: Bool, since: Int64, holdUntil: Int64? = nil, lastProbable: Int64? = nil) {
            self.occupied = occupied
            self.since = since
            self.holdUntil = holdUntil
            self.lastProbable = lastProbable
        }

        /// The same instants on another run's clock, `offset` later.
        public func shifted(by offset: Int64) -> Snapshot {
            Snapshot(occupied: occupied, since: since + offset, holdUntil: holdUntil.map { $0 + offset },
                     lastProbable: lastProbable.map { $0 + offset })
        }
    }

    public var snapshot: Snapshot {
        guard occupied else { return Snapshot(occupied: false, since: since) }
        return Snapshot(occupied: true, since: since, holdUntil: lastEvidence + parameters.hold, lastProbable: lastProbable)
    }

    /// A tracker that goes on from `snapshot` (a daemon's state before a restart, on this run's clock): an
    /// occupied room stays occupied until its hold runs out, as if the daemon had never stopped.
    public init(parameters: Parameters, restoring snapshot: Snapshot) {
        self.parameters = parameters
        since = snapshot.since
        guard snapshot.occupied, let holdUntil = snapshot.holdUntil else { return }
        occupied = true
        // The deadline is kept, whatever hold the new configuration has.
        lastEvidence = holdUntil - parameters.hold
        lastProbable = snapshot.lastProbable ?? lastEvidence
    }

    /// Feeds one tick of the pipeline, its features and what fusion made of them; returns the new state when
    /// it changed.
    public mutating func update(t: Int64, features f: FeatureVector, fusion: FusionResult) -> Bool? {
        let alone = soundAlone(f, sources: fusion.sources)
        return update(t: t, probability: fusion.probability, stillThere: stillThere(f, soundAlone: alone), soundAlone: alone)
    }

    /// Feeds one tick; returns the new state when it changed. `stillThere`: a sign of someone that p may
    /// not show (breathing, a voice); it only prolongs an occupied room, never makes one. `soundAlone`
    /// (`soundAlone(_:sources:)`): p comes from the microphone alone while camera and radar see nobody, so
    /// it may not make the room occupied.
    public mutating func update(t: Int64, probability p: Double, stillThere: Bool = false, soundAlone: Bool = false) -> Bool? {
        if occupied {
            if p >= parameters.offThreshold {
                lastEvidence = t
                lastProbable = t
            } else if stillThere, t - lastProbable <= parameters.maxExtension {
                lastEvidence = t
            }
            guard t - lastEvidence >= parameters.hold else { return nil }
            occupied = false
            aboveOnSince = nil
        } else {
            guard p >= parameters.onThreshold, !soundAlone else {
                aboveOnSince = nil
                return nil
            }
            let first = aboveOnSince ?? t
            aboveOnSince = first
            guard t - first >= parameters.onLatency else { return nil }
            occupied = true
            lastEvidence = t
            lastProbable = t
        }
        since = t
        return occupied
    }
}
