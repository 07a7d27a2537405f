/// Follows a camera's noise from the changes between consecutive frames, over every 8th row: their median is a
/// lighting change (taken off), and σ ≈ 1.4826 · MAD / √2 of what remains (the difference of two noisy frames),
/// smoothed over about 20 frames. Also keeps the last frame's mean remaining change, which tells motion (and a
/// new view) from noise. Reuses its histogram: no allocation per frame.
struct CameraNoise {
    /// σ in grey levels; nil until two frames were seen.
    private(set) var sigma: Float?
    /// The last frame's mean |change − median change| (grey levels).
    private(set) var lastChange: Float = 0
    /// Signed frame-to-frame changes (−255...255).
    private var changes = [Int](repeating: 0, count: 511)

    mutating func reset() { sigma = nil }

    mutating func follow(_ luma: [UInt8], previous: [UInt8], width: Int, height: Int) {
        var total = 0
        changes.withUnsafeMutableBufferPointer { counts in
            counts.update(repeating: 0)
            luma.withUnsafeBufferPointer { px in
                previous.withUnsafeBufferPointer { bf in
                    var y = 0
                    while y < height {
                        for i in (y * width)..<((y + 1) * width) { counts[Int(px[i]) - Int(bf[i]) + 255] += 1 }
                        total += width
                        y += 8
                    }
                }
            }
        }
        guard total > 0 else { return }
        var acc = 0, shift = 0
        for v in 0..<changes.count {
            acc += changes[v]
            if 2 * acc >= total {
                shift = v - 255
                break
            }
        }
        // The distribution of |change - shift|: its median for the noise, its mean for motion.
        var below = 0, median = -1, sum = 0
        for d in 0...510 {
            var count = 0
            if shift + 255 + d < changes.count { count += changes[shift + 255 + d] }
            if d > 0, shift + 255 - d >= 0 { count += changes[shift + 255 - d] }
            sum += d * count
            below += count
            if median < 0, 2 * below >= total { median = d }
            if below == total { break }
        }
        lastChange = Float(sum) / Float(total)
        let frameSigma: Float = 1.4826 * Float(max(median, 0)) / Float(2).squareRoot()
        sigma = sigma.map { 0.95 * $0 + 0.05 * frameSigma } ?? frameSigma
    }
}
