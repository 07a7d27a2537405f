/// SplitMix64: tiny, fast and fully specified, so a seed gives the same scene
/// on every machine and Swift version (the standard library's generator is not
/// guaranteed stable). Each modality draws from its own stream so that changing
/// one generator does not shift the others.
struct SimRandom {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ stream &* 0xD1B5_4A32_D192_ED03
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Approximately normal (Irwin-Hall of 4 uniforms), mean 0, standard deviation 1.
    mutating func gaussian() -> Double {
        let s = unit() + unit() + unit() + unit()
        return (s - 2.0) * 1.7320508075688772
    }
}
