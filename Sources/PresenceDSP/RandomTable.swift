import PresenceCore

/// Reproducible random numbers for per-pixel work, cheap enough to draw thousands per frame: a table of
/// SplitMix64 values made once, read in order from a point that a SplitMix64 draw moves every frame (as ViBe
/// draws from precomputed tables). The same seed gives the same numbers, frame after frame.
struct RandomTable {
    private static let size = 1 << 16
    private let table: [UInt64]
    private var index = 0
    private var mover: SplitMix64

    init(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        table = (0..<Self.size).map { _ in generator.next() }
        mover = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// Starts the next frame's numbers somewhere else in the table.
    mutating func newFrame() {
        index = Int(mover.next() % UInt64(Self.size))
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        index = (index + 1) & (Self.size - 1)
        return table.withUnsafeBufferPointer { $0[index] }
    }
}
