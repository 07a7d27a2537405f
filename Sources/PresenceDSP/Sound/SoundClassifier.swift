import Foundation
import PresenceCore

/// Says what the last second of sound is (Feature.soundClasses) every half second: the audio extractor hands
/// it each 32 ms window's log-mel bands and how far the window stood over the noise floor; it keeps the last
/// `frames` of them in a ring and runs the network on them (SoundNetwork). A second in which nothing stood
/// 6 dB over the floor is not classified: all scores are 0 (room tone is nobody's voice, and the network was
/// trained on sounds, not on silence). Everything is made at init: adding a window and classifying allocate
/// nothing.
public final class SoundClassifier {
    /// Windows between classifications: 32 × 16 ms, about half a second.
    public static let strideFrames = 32
    /// A second whose loudest window is less than this over the noise floor is not classified, dB.
    public static let quietBelowDB: Float = 6

    public let network: SoundNetwork
    private let scratch: SoundNetwork.Scratch
    private let bands: Int
    private let frames: Int
    /// frames × bands log-mel dB, the oldest overwritten first.
    private var ring: [Float]
    private var loudness: [Float]
    private var next = 0
    private var sinceRun = 0
    /// The ring in time order, for the network.
    private var patch: [Float]
    private var logits: [Float]
    /// p of each class (softmax of the logits), or all 0 for a quiet second.
    public private(set) var scores: [Float]
    /// Classifications run since the start, and how many windows had been added at the last one (the
    /// patch it classified ends there): for tests that check it against another implementation.
    public private(set) var runs = 0
    public private(set) var windowsAtLastRun = 0
    private var windowsAdded = 0

    public init(model: SoundModelFile = .builtin) {
        // Model files are checked when decoded (the built-in one on every build, by a test): one that fails
        // here was altered in code afterwards, a programming error.
        network = try! model.network()
        scratch = SoundNetwork.Scratch(for: network)
        bands = network.bands
        frames = network.frames
        ring = [Float](repeating: -120, count: frames * bands)
        loudness = [Float](repeating: 0, count: frames)
        patch = [Float](repeating: 0, count: frames * bands)
        logits = [Float](repeating: 0, count: network.classes)
        scores = [Float](repeating: 0, count: network.classes)
    }

    /// Adds one window: its mel bands in dB (10·log10 of the band energy) and its level over the noise floor.
    public func add(melDB: UnsafeBufferPointer<Float>, aboveFloor: Float) {
        precondition(melDB.count == bands, "\(bands) mel bands per window")
        for b in 0..<bands { ring[next * bands + b] = melDB[b] }
        loudness[next] = aboveFloor
        next = (next + 1) % frames
        windowsAdded += 1
        sinceRun += 1
        // The first classification waits for a whole ring.
        if sinceRun >= Self.strideFrames, windowsAdded >= frames {
            sinceRun = 0
            classify()
        }
    }

    /// Starts again (a new stream: another sample rate, or a reconnected microphone).
    public func reset() {
        for k in ring.indices { ring[k] = -120 }
        for k in loudness.indices { loudness[k] = 0 }
        for k in scores.indices { scores[k] = 0 }
        (next, sinceRun, windowsAdded) = (0, 0, 0)
    }

    private func classify() {
        runs += 1
        windowsAtLastRun = windowsAdded
        var loudest: Float = -.infinity
        for v in loudness { loudest = max(loudest, v) }
        guard loudest >= Self.quietBelowDB else {
            for k in scores.indices { scores[k] = 0 }
            return
        }
        // Oldest frame first: the ring from `next` on, then from the start.
        let tail = (frames - next) * bands
        for k in 0..<tail { patch[k] = ring[next * bands + k] }
        for k in 0..<(next * bands) { patch[tail + k] = ring[k] }
        patch.withUnsafeBufferPointer { p in
            logits.withUnsafeMutableBufferPointer { network.logits(p, scratch: scratch, into: $0) }
        }
        var top = -Float.infinity
        for v in logits { top = max(top, v) }
        var sum: Float = 0
        for k in logits.indices {
            scores[k] = Foundation.exp(logits[k] - top)
            sum += scores[k]
        }
        for k in scores.indices { scores[k] /= sum }
    }
}
