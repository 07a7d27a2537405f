import Foundation
import PresenceCore

/// Audio features: 32 ms Hann windows with 50 % overlap through an FFTW plan
/// made once. Per window: level in dBFS against a tracked noise floor, the
/// share of the speech band, spectral flux, 32 mel bands each against its own
/// noise floor, spectral flatness, and pitch strength (autocorrelation from the
/// power spectrum of the 100-4000 Hz band), and a voice score from these. Over
/// the last second: how much of the speech band's envelope varies at the
/// syllable rate (2-8 Hz). Steady noise (a fan, a tap, white noise) has a high
/// floor, high flatness and no pitch; a voice has pitch and a peaky spectrum; a
/// dropped pan has flux without either. Every window's mel bands also go to the
/// sound classifier (SoundClassifier: is the last second a voice, a body, an
/// animal, the weather, a machine or music). Buffers are made once per sample
/// rate: nothing is allocated per window.
public final class AudioFeatureExtractor {
    public struct TickSummary: Sendable, Equatable {
        public var maxLevel: Float = -120
        public var maxAboveFloor: Float = 0
        public var speechRatio: Float = 0
        public var maxFlux: Float = 0
        public var flatness: Float = 0
        public var harmonicity: Float = 0
        public var modulation: Float = 0
        public var voice: Float = 0
        public var voiceRecent: Float = 0
        /// Mean energy above each band's floor, dB (inline storage: a tick allocates nothing).
        public var mel = SIMD32<Float>()
        /// The sound classifier's newest scores, in Feature.soundClasses order (inline: no allocation).
        public var sound = SIMD8<Float>()
        public var windows = 0

        /// The microphone's features of the tick.
        public func write(into f: inout FeatureVector) {
            f[.audioLevel] = maxLevel
            f[.audioAboveFloor] = maxAboveFloor
            f[.audioSpeechRatio] = speechRatio
            f[.audioFlux] = maxFlux
            f[.audioFlatness] = flatness
            f[.audioHarmonicity] = harmonicity
            f[.audioModulation] = modulation
            f[.audioVoice] = voice
            f[.audioVoiceRecent] = voiceRecent
            for band in 0..<Feature.melBands { f[.audioMel(band)] = mel[band] }
            for k in 0..<Feature.soundClasses.count { f[.audioSound(k)] = sound[k] }
        }
    }

    private var sampleRate = 0
    private var plan: FFTWPlan?
    /// The per-window arrays, moved into a local for each window's analysis: element access to a class's
    /// array properties is checked for exclusive access every time, which cost as much as the arithmetic.
    private struct Spectrum {
        var window: [Float] = []
        var frame: [Float] = []
        var power: [Float] = []
        var logPower: [Float] = []
        var previousLogPower: [Float] = []
        var autocorrelation: [Float] = []
        var bandPower: [Float] = []
        var melEnergies: [Float] = []
        var melDB: [Float] = []
        var melFloors: [NoiseFloor] = []
    }
    private var spectrum = Spectrum()
    private var pending: [Float] = []
    private var pendingStart = 0
    private var noiseFloor = NoiseFloor()
    private var speechBins = 0..<0
    private var flatnessBins = 0..<0
    private var pitchLags = 0..<0
    private var mel = MelFilterbank(bands: Feature.melBands, size: 512, rate: 16000)
    private var envelope = SyllableRhythm()
    private var summary = TickSummary()
    private var speechEnergy: Float = 0
    private var loudEnergy: Float = 0
    private var flatnessSum: Float = 0
    private var voiceMax: Float = 0
    /// The voice score's peak, held and falling by `voiceRecentFall` a second (`audio_voice_recent`).
    private var voiceRecent: Float = 0
    static let voiceRecentFall: Float = 0.2

    /// nil: no sound classification (its features stay 0).
    private let classifier: SoundClassifier?

    /// The classifier itself, for tests that follow its runs.
    var soundClassifier: SoundClassifier? { classifier }

    public init(soundModel: SoundModelFile? = .builtin) {
        classifier = soundModel.map { SoundClassifier(model: $0) }
    }

    public func process(_ chunk: AudioChunk) {
        if chunk.sampleRate != sampleRate { configure(rate: chunk.sampleRate) }
        guard let plan else { return }
        pending.append(contentsOf: chunk.samples.lazy.map { Float($0) / 32768 })
        let hop = plan.size / 2
        while pending.count - pendingStart >= plan.size {
            analyse(pending[pendingStart..<(pendingStart + plan.size)], plan: plan)
            pendingStart += hop
        }
        // Shift the unread rest down now and then, not after every chunk.
        if pendingStart > 4 * plan.size {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
    }

    /// The summary since the previous call; resets it.
    public func takeTickSummary() -> TickSummary {
        var s = summary
        s.speechRatio = loudEnergy > 0 ? speechEnergy / loudEnergy : 0
        if s.windows > 0 {
            s.flatness = flatnessSum / Float(s.windows)
            s.mel /= Float(s.windows)
        }
        s.modulation = envelope.modulation()
        s.voice = voiceMax
        s.voiceRecent = voiceRecent
        if let classifier {
            for k in 0..<min(8, classifier.scores.count) { s.sound[k] = classifier.scores[k] }
        }
        summary = TickSummary()
        voiceMax = 0
        speechEnergy = 0
        loudEnergy = 0
        flatnessSum = 0
        return s
    }

    /// Voice activity 0...1: loud enough above the floor, with a pitch, and a spectrum far from flat.
    /// (Measured on Speech Commands: words have pitch strength 0.5-0.8 and flatness under 0.2; a tap,
    /// white noise, washing up and an exercise bike stay under 0.35 and over 0.28. The centre 0.55 is
    /// where `make vad-compare` recalls as many words as webrtcvad's mode 3 with fewer false positives.)
    static func voice(aboveFloor: Float, harmonicity: Float, flatness: Float) -> Float {
        func logistic(_ x: Float, _ centre: Float, _ scale: Float) -> Float { 1 / (1 + exp(-(x - centre) / scale)) }
        return logistic(aboveFloor, 8, 1.5) * logistic(harmonicity, 0.55, 0.05) * (1 - logistic(flatness, 0.25, 0.04))
    }

    private func configure(rate: Int) {
        sampleRate = rate
        guard rate >= 8000 else { plan = nil; return }
        // 32 ms rounded to an even size; 512 at 16 kHz.
        let n = Int((Double(rate) * 0.032).rounded() / 2) * 2
        plan = FFTWPlan(size: n)
        spectrum.window = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
        spectrum.frame = [Float](repeating: 0, count: n)
        spectrum.power = [Float](repeating: 0, count: n / 2 + 1)
        spectrum.autocorrelation = [Float](repeating: 0, count: n)
        spectrum.bandPower = [Float](repeating: 0, count: n / 2 + 1)
        spectrum.previousLogPower = [Float](repeating: -120, count: n / 2 + 1)
        spectrum.logPower = [Float](repeating: 0, count: n / 2 + 1)
        pending = []
        pending.reserveCapacity(8 * n)
        pendingStart = 0
        noiseFloor = NoiseFloor()
        voiceRecent = 0
        let binHz = Double(rate) / Double(n)
        speechBins = Int(300 / binHz)..<min(n / 2 + 1, Int(3400 / binHz) + 1)
        flatnessBins = max(1, Int(100 / binHz))..<min(n / 2 + 1, Int(4000 / binHz) + 1)
        pitchLags = Int(Double(rate) / 400)..<min(n / 2, Int(Double(rate) / 70) + 1)
        mel = MelFilterbank(bands: Feature.melBands, size: n, rate: rate)
        spectrum.melEnergies = [Float](repeating: 0, count: Feature.melBands)
        spectrum.melDB = [Float](repeating: 0, count: Feature.melBands)
        classifier?.reset()
        spectrum.melFloors = [NoiseFloor](repeating: NoiseFloor(), count: Feature.melBands)
        envelope = SyllableRhythm(windowsPerSecond: Double(rate) / Double(n / 2))
    }

    private func analyse(_ samples: ArraySlice<Float>, plan: FFTWPlan) {
        // Moved out and back, not copied: an empty Spectrum holds no storage.
        var b = Spectrum()
        swap(&b, &spectrum)
        defer { swap(&b, &spectrum) }
        var sumSquares: Float = 0
        var i = 0
        for s in samples {
            b.frame[i] = s * b.window[i]
            sumSquares += s * s
            i += 1
        }
        let meanSquare = sumSquares / Float(samples.count)
        let level = 10 * log10(meanSquare + 1e-12)
        b.frame.withUnsafeBufferPointer { plan.powerSpectrum($0, into: &b.power) }

        var total: Float = 0, speech: Float = 0, flux: Float = 0
        // Skip DC and the lowest bins: mains hum and handling noise say nothing about people.
        let first = max(1, Int(Float(b.power.count) * 50 / Float(sampleRate / 2)))
        var logSum: Float = 0, linSum: Float = 0
        b.power.withUnsafeBufferPointer { p in
            b.logPower.withUnsafeMutableBufferPointer { Decibels.fromPower(p, into: $0) }
        }
        for k in first..<b.power.count {
            let p = b.power[k]
            total += p
            if speechBins.contains(k) { speech += p }
            let lp = b.logPower[k]
            flux += max(0, lp - b.previousLogPower[k])
            b.previousLogPower[k] = lp
            if flatnessBins.contains(k) {
                logSum += lp
                linSum += p
            }
        }
        flux /= Float(b.power.count - first)
        // Flatness: geometric over arithmetic mean of the power (in dB: mean of logs minus log of mean).
        let nFlat = Float(flatnessBins.count)
        let flatness = linSum > 0 ? Float(pow(10, Double((logSum / nFlat - 10 * log10(linSum / nFlat + 1e-12)) / 10))) : 0

        // Pitch strength: the autocorrelation's highest peak at voice pitch lags, relative to lag 0, of the
        // 100-4000 Hz band only (the low end of pink noise or a rumble would correlate at any short lag).
        for k in b.bandPower.indices { b.bandPower[k] = flatnessBins.contains(k) ? b.power[k] : 0 }
        plan.autocorrelation(fromPower: b.bandPower, into: &b.autocorrelation)
        var peak: Float = 0
        if b.autocorrelation[0] > 0 {
            for lag in pitchLags { peak = max(peak, b.autocorrelation[lag]) }
            peak /= b.autocorrelation[0]
        }

        // The floor falls at once to a quieter moment and rises by 3 dB a second, overall and per mel band.
        let windowsPerSecond = Float(sampleRate) / Float(plan.size / 2)
        let rise = 3 / windowsPerSecond
        let above = level - noiseFloor.update(power: meanSquare, rise: rise)
        mel.energies(b.power, into: &b.melEnergies)
        for band in b.melEnergies.indices {
            let e = b.melEnergies[band]
            let db = 10 * log10(e + 1e-12)
            b.melDB[band] = db
            summary.mel[band] += db - b.melFloors[band].update(power: e, rise: rise)
        }
        if let classifier {
            b.melDB.withUnsafeBufferPointer { classifier.add(melDB: $0, aboveFloor: above) }
        }
        envelope.add(10 * log10(speech + 1e-12))

        summary.windows += 1
        summary.maxLevel = max(summary.maxLevel, level)
        summary.maxAboveFloor = max(summary.maxAboveFloor, above)
        summary.maxFlux = max(summary.maxFlux, flux)
        flatnessSum += flatness
        // Pitch only counts where there is sound to have one.
        if above > 6 { summary.harmonicity = max(summary.harmonicity, peak) }
        // Per window, so that pitch, flatness and loudness are those of the same moment.
        let voice = Self.voice(aboveFloor: above, harmonicity: above > 6 ? peak : 0, flatness: flatness)
        voiceMax = max(voiceMax, voice)
        voiceRecent = max(voice, voiceRecent - Self.voiceRecentFall / windowsPerSecond)
        // Only windows clearly above the floor say anything about what the sound is.
        if above > 6 {
            speechEnergy += speech
            loudEnergy += total
        }
    }
}

/// Triangular mel filters over a power spectrum: energy per band (linear).
struct MelFilterbank {
    /// Per band: first bin and the weights from there.
    private var filters: [(first: Int, weights: [Float])] = []

    init(bands: Int, size: Int, rate: Int, low: Double = 60, high: Double = 7600) {
        func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
        func hz(_ m: Double) -> Double { 700 * (pow(10, m / 2595) - 1) }
        let top = min(high, Double(rate) / 2 - 1)
        let edges = (0...(bands + 1)).map { hz(mel(low) + (mel(top) - mel(low)) * Double($0) / Double(bands + 1)) }
        let binHz = Double(rate) / Double(size)
        for b in 0..<bands {
            let (lo, mid, up) = (edges[b], edges[b + 1], edges[b + 2])
            let first = Int((lo / binHz).rounded(.up)), last = min(size / 2, Int((up / binHz).rounded(.down)))
            var weights: [Float] = []
            if first <= last {
                for k in first...last {
                    let f = Double(k) * binHz
                    weights.append(Float(f <= mid ? (f - lo) / (mid - lo) : (up - f) / (up - mid)))
                }
            }
            // A band narrower than a bin takes its nearest bin whole.
            filters.append(weights.isEmpty ? (min(size / 2, Int((mid / binHz).rounded())), [1]) : (first, weights))
        }
    }

    func energies(_ power: [Float], into out: inout [Float]) {
        for (b, f) in filters.enumerated() {
            var e: Float = 0
            for (j, w) in f.weights.enumerated() { e += w * power[f.first + j] }
            out[b] = e
        }
    }
}

/// How much of the speech band's level varies at the syllable rate, 2-8 Hz, over
/// the last second (64 windows): speech is rhythmic, steady noise and music less so.
struct SyllableRhythm {
    static let length = 64
    private var levels = [Float](repeating: 0, count: length)
    private var next = 0
    private var filled = 0
    private let windowsPerSecond: Double
    private var cosines: [[Float]] = []
    private var sines: [[Float]] = []

    init(windowsPerSecond: Double = 62.5) {
        self.windowsPerSecond = windowsPerSecond
        // DFT bins 1...length/2 of a `length`-window history, precomputed.
        for k in 1...(Self.length / 2) {
            cosines.append((0..<Self.length).map { Float(cos(2 * Double.pi * Double(k * $0) / Double(Self.length))) })
            sines.append((0..<Self.length).map { Float(sin(2 * Double.pi * Double(k * $0) / Double(Self.length))) })
        }
    }

    mutating func add(_ level: Float) {
        levels[next] = level
        next = (next + 1) % Self.length
        filled = min(filled + 1, Self.length)
    }

    /// Power at 2-8 Hz over all non-DC power of the envelope, 0...1; 0 until a second is there.
    func modulation() -> Float {
        guard filled == Self.length else { return 0 }
        let binHz = windowsPerSecond / Double(Self.length)
        var inBand: Float = 0, all: Float = 0
        for k in 1...(Self.length / 2) {
            var re: Float = 0, im: Float = 0
            for n in 0..<Self.length {
                let x = levels[(next + n) % Self.length]
                re += x * cosines[k - 1][n]
                im += x * sines[k - 1][n]
            }
            let p = re * re + im * im
            all += p
            let f = Double(k) * binHz
            if f >= 2, f <= 8 { inBand += p }
        }
        return all > 0 ? inBand / all : 0
    }
}
