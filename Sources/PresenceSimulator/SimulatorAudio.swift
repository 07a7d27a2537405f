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
    private var catPhase = 0.0
    private var fanLowpass = 0.0

    init(seed: UInt64) { rng = SimRandom(seed: seed, stream: 3) }

    mutating func chunk(startTime: Double, scene: SceneScript) -> AudioChunk {
        var out = [Int16](repeating: 0, count: Self.chunkSamples)
        let dt = 1.0 / Double(Self.sampleRate)
        // States change slowly: sampling them once per 20 ms chunk is enough.
        let people = scene.people(at: startTime), pets = scene.pets(at: startTime)
        let walking = people.contains { $0.posture == .walking }
        let speaker = people.first { $0.speaking }
        let meowing = pets.first { $0.speaking }
        let tv = scene.sounds.contains { $0.kind == .television && $0.isOn(at: startTime) }
        let fan = scene.sounds.contains { $0.kind == .fan && $0.isOn(at: startTime) }
        for i in 0..<Self.chunkSamples {
            let t = startTime + Double(i) * dt
            var v = 30 * rng.gaussian()
            if walking { v += footstep(t) }
            if let speaker { v += voice(t, distance: speaker.position.d) }
            if let meowing { v += meow(t, distance: meowing.position.d) }
            if tv { v += television(t) }
            if fan { v += fanHum(t) }
            out[i] = Int16(clamping: Int(v.rounded()))
        }
        return AudioChunk(sampleRate: Self.sampleRate, samples: out)
    }

    /// A cat: a high, gliding, strongly harmonic call.
    private mutating func meow(_ t: Double, distance: Double) -> Double {
        let glide = 0.5 + 0.5 * sin(2 * .pi * 0.9 * t)
        catPhase += 2 * .pi * (520 + 260 * glide) / Double(Self.sampleRate)
        if catPhase > 2 * .pi { catPhase -= 2 * .pi }
        let s = sin(catPhase) + 0.5 * sin(2 * catPhase) + 0.25 * sin(3 * catPhase)
        return 2500 / max(distance, 1) * s
    }

    /// A television across the room: a presenter's voice (a second, lower voice)
    /// alternating with music, every few seconds, through a small loudspeaker.
    private mutating func television(_ t: Double) -> Double {
        if Int(t / 6) % 2 == 0 {
            return 0.6 * voice(t, distance: 3, pitch: 105)
        }
        // A chord that changes every second: the kind of steady harmonic sound a voice detector must not take for a person.
        let root = [220.0, 247, 196, 262][Int(t) % 4]
        return 900 * (sin(2 * .pi * root * t) + 0.8 * sin(2 * .pi * root * 1.25 * t) + 0.6 * sin(2 * .pi * root * 1.5 * t))
    }

    /// A fan: broadband low rumble plus the motor's hum and the blade-pass tone.
    private mutating func fanHum(_ t: Double) -> Double {
        fanLowpass += 0.05 * (400 * rng.gaussian() - fanLowpass)
        return fanLowpass + 120 * sin(2 * .pi * 100 * t) + 60 * sin(2 * .pi * 16 * t)
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

    private mutating func voice(_ t: Double, distance: Double, pitch: Double = 135) -> Double {
        let f0 = pitch + 25 * sin(2 * .pi * 0.7 * t) + 8 * sin(2 * .pi * 5.3 * t)
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
