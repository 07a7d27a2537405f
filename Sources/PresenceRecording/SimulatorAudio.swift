import Foundation
import PresenceCore

/// 16 kHz mono microphone: a room-tone noise floor (about -60 dBFS), footsteps
/// while the person walks, and speech-like bursts (a voiced source with pitch
/// movement, formant-shaped harmonics and syllable-rate amplitude modulation).
struct SimulatedMicrophone {
    static let sampleRate = 16_000
    /// 20 ms, the period live capture uses.
    static let chunkSamples = 320

    private var rng: SimRandom
    private var voicePhase = 0.0
    private var stepEnergy = 0.0
    private var stepLowpass = 0.0
    private var nextStep = 0.0

    init(seed: UInt64) { rng = SimRandom(seed: seed, stream: 3) }

    mutating func chunk(startTime: Double, script: PersonScript) -> AudioChunk {
        var out = [Int16](repeating: 0, count: Self.chunkSamples)
        let dt = 1.0 / Double(Self.sampleRate)
        // The person's state changes slowly: sampling it once per 20 ms chunk is enough.
        let person = script.state(at: startTime)
        for i in 0..<Self.chunkSamples {
            let t = startTime + Double(i) * dt
            var v = 30 * rng.gaussian()
            if let person {
                if person.posture == .walking { v += footstep(t) }
                if person.speaking { v += voice(t, distance: person.position.d) }
            }
            out[i] = Int16(clamping: Int(v.rounded()))
        }
        return AudioChunk(sampleRate: Self.sampleRate, samples: out)
    }

    /// A decaying low-frequency thump every ~0.55 s.
    private mutating func footstep(_ t: Double) -> Double {
        if t >= nextStep {
            stepEnergy = 2500
            nextStep = t + 0.55 + rng.uniform(-0.04, 0.04)
        }
        stepEnergy *= 0.994
        stepLowpass += 0.08 * (stepEnergy * rng.gaussian() - stepLowpass)
        return stepLowpass
    }

    private mutating func voice(_ t: Double, distance: Double) -> Double {
        let f0 = 135 + 25 * sin(2 * .pi * 0.7 * t) + 8 * sin(2 * .pi * 5.3 * t)
        voicePhase += 2 * .pi * f0 / Double(Self.sampleRate)
        if voicePhase > 2 * .pi { voicePhase -= 2 * .pi }
        // Vowel formants drift with the syllables.
        let f1 = 550 + 150 * sin(2 * .pi * 2.1 * t), f2 = 1600 + 400 * sin(2 * .pi * 1.3 * t)
        var s = 0.0
        var k = 1.0
        while k * f0 < 4000 {
            let f = k * f0
            let gain = formant(f, f1, 120) + 0.7 * formant(f, f2, 180) + 0.3 * formant(f, 2700, 250) + 0.05
            s += gain / k.squareRoot() * sin(k * voicePhase)
            k += 1
        }
        let syllable = pow(0.5 * (1 - cos(2 * .pi * 4.2 * t)), 1.5)
        return 5000 / max(distance, 1) * syllable * s
    }

    private func formant(_ f: Double, _ centre: Double, _ width: Double) -> Double {
        let x = (f - centre) / width
        return exp(-0.5 * x * x)
    }
}
