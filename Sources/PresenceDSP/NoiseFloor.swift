import Foundation

/// A tracked noise floor, dB: it falls at once to a quieter moment and rises slowly (so a new steady
/// sound becomes the floor within seconds and anything louder stands above it).
///
/// "A quieter moment" is the mean power of the last four windows (64 ms at 16 kHz), not one window: a
/// single silent window (a splice between clips, an overrun filled with zeros, a click of the gain) would
/// otherwise drop the floor to -120 dB, and everything after it would stand 60 dB "above the floor" for
/// twenty seconds. One silent window among four lowers the mean by 1.2 dB at most.
struct NoiseFloor {
    static let span = 4  // the length of `recent` (SIMD4)
    /// The last `span` windows' power (linear); inline, so that updating allocates nothing.
    private var recent = SIMD4<Float>(repeating: 0)
    private var seen = 0
    /// The floor in dB; NaN until the first window.
    private(set) var level: Float = .nan

    /// Adds a window's power (linear, mean square) and returns the floor, dB. `rise` is how far the floor
    /// may rise per window. Until `span` windows were seen the floor is the mean of those there are.
    mutating func update(power: Float, rise: Float) -> Float {
        recent[seen % Self.span] = power
        seen += 1
        let n = min(seen, Self.span)
        var sum: Float = 0
        for i in 0..<n { sum += recent[i] }
        let shortTerm = 10 * log10(sum / Float(n) + 1e-12)
        level = seen <= Self.span ? shortTerm : min(shortTerm, level + rise)
        return level
    }
}
