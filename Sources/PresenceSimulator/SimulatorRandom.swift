import PresenceCore

/// The simulator's random streams: each modality draws from its own SplitMix64
/// stream so that changing one generator does not shift the others.
struct SimRandom {
    private var generator: SplitMix64

    init(seed: UInt64, stream: UInt64) {
        generator = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ stream &* 0xD1B5_4A32_D192_ED03)
        _ = generator.next()
    }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Approximately normal (Irwin-Hall of 4 uniforms), mean 0, standard deviation 1.
    mutating func gaussian() -> Double {
        let s = unit() + unit() + unit() + unit()
        return (s - 2.0) * 1.7320508075688772
    }
}
