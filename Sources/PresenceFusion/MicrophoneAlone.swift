import PresenceCore

/// What a microphone says when it is the only sensor: how much the last second sounds like a person (the
/// sound classifier's speech and body classes, 0 while nothing stands over the room's noise floor).
///
/// Not learned by the fusion model: a microphone alone cannot tell a silent person from an empty room,
/// so what the model could learn from sound-only recordings was how loud the room is, and it answered
/// "occupied" to a dog, rain or a washing machine, and 0.2-0.6 to a quiet room (which, refreshing the hold
/// now and then, kept it occupied for good). The classifier was trained on real recordings for exactly
/// this question; through the tracker, its person score switched a quiet room on for 26 of 27 person's
/// clips and 4 of 84 others (`make report`'s sound clips), where the best model trained on sound-only ticks
/// did 26 and 33.
/// Silences between words are bridged by the tracker's hold, as they are with the other sensors.
public enum MicrophoneAlone {
    /// The sound classes that are a person.
    static let person = ["speech", "body"].map { Feature.audioSound(Feature.soundClasses.firstIndex(of: $0)!) }

    public static func probability(_ f: FeatureVector) -> Float {
        var p: Float = 0
        for c in person { p += f[c] }
        return min(1, p)
    }
}
