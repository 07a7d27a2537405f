import PresenceCore

/// First-cut adaptive background model on luma: a per-pixel running average,
/// global illumination compensation (the median difference between frame and
/// background is treated as a lighting change, not motion), and a fixed
/// threshold. Foreground pixels are absorbed slowly so moved furniture fades in.
public final class BackgroundSubtractor {
    public struct Parameters: Sendable {
        /// Frames averaged before any pixel may be called foreground.
        public var learningFrames = 15
        /// Background update rate for pixels that look like background (per frame).
        public var alpha: Float = 1.0 / 64
        /// Update rate for foreground pixels. Slow (about 18 minutes at 15 fps) so that a
        /// person sitting still stays foreground and leaves no "ghost" when they get up;
        /// the price is that a moved chair also takes that long to fade in.
        public var foregroundAlpha: Float = 1.0 / 16384
        /// Grey-level difference (after illumination compensation) that makes a pixel foreground.
        public var threshold: Float = 18
        public init() {}
    }

    public struct Result: Sendable, Equatable {
        public var foregroundFraction: Float
        /// Mean absolute change from the previous frame, grey levels.
        public var frameDifference: Float
        /// The global luma shift that was compensated, grey levels.
        public var illuminationShift: Float
        public var learning: Bool
    }

    public let parameters: Parameters
    private(set) var width = 0
    private(set) var height = 0
    private var background: [Float] = []
    private var previous: [UInt8] = []
    private var framesSeen = 0
    private var histogram = [Int](repeating: 0, count: 511)

    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
    }

    /// Updates the model with `frame`. When `mask` is given it receives 0/255 per pixel.
    public func process(_ frame: VideoFrame, mask: inout [UInt8]) -> Result {
        if frame.width != width || frame.height != height { reset(width: frame.width, height: frame.height) }
        let n = frame.luma.count
        if mask.count != n { mask = [UInt8](repeating: 0, count: n) }
        defer { framesSeen += 1 }

        let diff = frameDifference(frame.luma)
        previous = frame.luma
        if framesSeen < parameters.learningFrames {
            learn(frame.luma)
            for i in 0..<n { mask[i] = 0 }
            return Result(foregroundFraction: 0, frameDifference: diff, illuminationShift: 0, learning: true)
        }
        let shift = medianShift(frame.luma)
        let count = classifyAndUpdate(frame.luma, shift: shift, mask: &mask)
        return Result(foregroundFraction: Float(count) / Float(max(n, 1)), frameDifference: diff,
                      illuminationShift: shift, learning: false)
    }

    public func reset(width: Int, height: Int) {
        self.width = width
        self.height = height
        background = [Float](repeating: 0, count: width * height)
        previous = []
        framesSeen = 0
    }

    private func learn(_ luma: [UInt8]) {
        let k = Float(framesSeen + 1)
        background.withUnsafeMutableBufferPointer { bg in
            luma.withUnsafeBufferPointer { px in
                for i in 0..<px.count { bg[i] += (Float(px[i]) - bg[i]) / k }
            }
        }
    }

    private func frameDifference(_ luma: [UInt8]) -> Float {
        guard previous.count == luma.count, !luma.isEmpty else { return 0 }
        var sum = 0
        previous.withUnsafeBufferPointer { a in
            luma.withUnsafeBufferPointer { b in
                for i in 0..<b.count { sum += abs(Int(b[i]) - Int(a[i])) }
            }
        }
        return Float(sum) / Float(luma.count)
    }

    /// Median of (frame − background) on a sparse grid: robust to a person covering part of the view.
    private func medianShift(_ luma: [UInt8]) -> Float {
        for i in histogram.indices { histogram[i] = 0 }
        var samples = 0
        var i = 0
        while i < luma.count {
            histogram[Int(luma[i]) - Int(background[i].rounded()) + 255] += 1
            samples += 1
            i += 7
        }
        var acc = 0
        for (bin, c) in histogram.enumerated() {
            acc += c
            if acc * 2 >= samples { return Float(bin - 255) }
        }
        return 0
    }

    private func classifyAndUpdate(_ luma: [UInt8], shift: Float, mask: inout [UInt8]) -> Int {
        let (a, af, thr) = (parameters.alpha, parameters.foregroundAlpha, parameters.threshold)
        var count = 0
        background.withUnsafeMutableBufferPointer { bg in
            luma.withUnsafeBufferPointer { px in
                mask.withUnsafeMutableBufferPointer { m in
                    for i in 0..<px.count {
                        // Follow the lighting change at once, then learn the residual.
                        let b = bg[i] + shift
                        let d = Float(px[i]) - b
                        let fg = abs(d) > thr
                        m[i] = fg ? 255 : 0
                        count += fg ? 1 : 0
                        bg[i] = b + (fg ? af : a) * d
                    }
                }
            }
        }
        return count
    }
}
