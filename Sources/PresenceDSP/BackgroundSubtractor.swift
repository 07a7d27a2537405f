import PresenceCore

/// Adaptive background model on luma: a per-pixel running average, global
/// illumination compensation (the median difference between frame and
/// background is a lighting change, not motion: a lamp, the sun, auto-exposure),
/// a threshold, dynamic background (pixels that keep flickering back to the
/// background: fans, curtains, screens) taken out, a 3x3 opening against
/// sensor noise, and the largest blob.
/// Foreground pixels are absorbed slowly, so a person who sits still stays
/// foreground. A frame that is mostly foreground (the camera moved, was covered
/// or uncovered) is a scene change: the model learns the new scene afresh.
/// The per-pixel work is in SIMD kernels (BackgroundKernels, Morphology).
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
        /// Remove foreground specks smaller than 3x3 pixels.
        public var openMask = true
        /// Share of the frame in foreground, after compensation, that means the scene itself changed.
        public var sceneChangeFraction: Float = 0.6
        /// Dynamic background: a pixel that changed (fell back to background, or jumped while foreground)
        /// more than `flickerLimit` times, counted with `flickerDecay` per frame (about 33 s at 15 fps), is
        /// not an object. Someone walking past changes a pixel twice; the price is that a person moving
        /// in place for long (exercising, cooking) fades from the camera's mask, and radar and audio
        /// must carry them. `make bgs-compare` measured these values (fan and curtain false positives
        /// down 93 %, recall on people unchanged).
        public var flickerDecay: Float = 0.998
        public var flickerLimit: Float = 3
        public init() {}
    }

    public struct Result: Sendable, Equatable {
        /// Share 0...1 of the frame in foreground (after the opening).
        public var foregroundFraction: Float
        /// Mean absolute change from the previous frame, grey levels.
        public var frameDifference: Float
        /// The global luma shift that was compensated, grey levels.
        public var illuminationShift: Float
        public var learning: Bool
        /// The largest foreground region, if any.
        public var blob: BlobFinder.Blob?
        /// The view changed wholesale (camera moved or covered): the model starts learning again.
        public var sceneChanged: Bool
    }

    public let parameters: Parameters
    private(set) var width = 0
    private(set) var height = 0
    private var background: [Float] = []
    private var previous: [UInt8] = []
    private var scratch: [UInt8] = []
    private var previousRaw: [UInt8] = []
    private var flicker: [Float] = []
    private var framesSeen = 0
    private var histogram = [Int](repeating: 0, count: 4 * 511)
    private var blobs = BlobFinder()

    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
    }

    /// Updates the model with `frame`; `mask` receives 0/255 per pixel (all 0 while learning).
    public func process(_ frame: VideoFrame, mask: inout [UInt8]) -> Result {
        if frame.width != width || frame.height != height { reset(width: frame.width, height: frame.height) }
        let n = frame.luma.count
        if mask.count != n { mask = [UInt8](repeating: 0, count: n) }
        defer { framesSeen += 1 }

        let before = previous
        previous = frame.luma
        if framesSeen < parameters.learningFrames {
            let diff = frameDifference(frame.luma, before)
            learn(frame.luma)
            mask.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return Result(foregroundFraction: 0, frameDifference: diff, illuminationShift: 0, learning: true, blob: nil, sceneChanged: false)
        }
        let shift = medianShift(frame.luma)
        let settings = BackgroundKernels.SegmentSettings(
            shift: shift, threshold: parameters.threshold, rate: parameters.alpha, foregroundRate: parameters.foregroundAlpha,
            jump: UInt8(min(255, parameters.threshold)), decay: parameters.flickerDecay, limit: parameters.flickerLimit)
        // Without a last frame (a model that learns nothing first) the frame is its own "before": no change.
        let last = before.count == n ? before : frame.luma
        let counts = segment(frame.luma, before: last, settings: settings, mask: &mask)
        let diff = Float(counts.difference) / Float(max(n, 1))
        if Float(counts.raw) > parameters.sceneChangeFraction * Float(n) {
            // Not motion in a scene we know: a new scene. Learn it, and say so for this frame.
            framesSeen = -1
            background.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            previousRaw.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            flicker.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            mask.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return Result(foregroundFraction: 0, frameDifference: diff, illuminationShift: shift, learning: true, blob: nil, sceneChanged: true)
        }
        var blob: BlobFinder.Blob?
        var count = counts.kept
        // An empty mask (most frames of an empty room) has no specks to open and no blob.
        if count > 0 {
            mask.withUnsafeMutableBufferPointer { m in
                // Only the rows that hold foreground need the opening and the blob search: outside them the
                // mask is 0 and stays 0 (an opening never grows a region beyond where it was).
                let rows = BackgroundKernels.rowsWithForeground(UnsafeBufferPointer(m), width: width)
                let band = UnsafeMutableBufferPointer(rebasing: m[(rows.lowerBound * width)..<(rows.upperBound * width)])
                if parameters.openMask {
                    scratch.withUnsafeMutableBufferPointer { Morphology.open(band, scratch: $0, width: width, height: rows.count) }
                    count = BackgroundKernels.countSet(UnsafeBufferPointer(band))
                }
                blob = blobs.largest(UnsafeBufferPointer(m), width: width, height: height, rows: rows)
            }
        }
        return Result(foregroundFraction: Float(count) / Float(max(n, 1)), frameDifference: diff,
                      illuminationShift: shift, learning: false, blob: blob, sceneChanged: false)
    }

    public func reset(width: Int, height: Int) {
        self.width = width
        self.height = height
        background = [Float](repeating: 0, count: width * height)
        scratch = [UInt8](repeating: 0, count: width * height)
        previousRaw = [UInt8](repeating: 0, count: width * height)
        flicker = [Float](repeating: 0, count: width * height)
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

    /// Mean |luma - before|, grey levels (0 for the first frame).
    private func frameDifference(_ luma: [UInt8], _ before: [UInt8]) -> Float {
        guard before.count == luma.count, !luma.isEmpty else { return 0 }
        let sum = before.withUnsafeBufferPointer { a in
            luma.withUnsafeBufferPointer { b in BackgroundKernels.absoluteDifferenceSum(a, b) }
        }
        return Float(sum) / Float(luma.count)
    }

    /// Median of (frame − background) over every 13th row: robust to a person covering part of the view,
    /// and thousands of samples read in runs (a scattered grid missed the cache on every sample).
    private func medianShift(_ luma: [UInt8]) -> Float {
        let bins = 511
        var samples = 0
        histogram.withUnsafeMutableBufferPointer { h in
            h.update(repeating: 0)
            luma.withUnsafeBufferPointer { px in
                background.withUnsafeBufferPointer { bg in
                    // Four histograms, taken in turn: most differences fall in one bin, and counting them all
                    // in one would wait on each increment before the next.
                    var y = 0
                    while y < height {
                        for i in (y * width)..<((y + 1) * width) {
                            let d = Int(px[i]) - Int(bg[i] + 0.5)
                            h[(i & 3) * bins + min(max(d, -255), 255) + 255] += 1
                        }
                        samples += width
                        y += 13
                    }
                }
            }
        }
        var acc = 0
        for bin in 0..<bins {
            acc += histogram[bin] + histogram[bins + bin] + histogram[2 * bins + bin] + histogram[3 * bins + bin]
            if acc * 2 >= samples { return Float(bin - 255) }
        }
        return 0
    }

    private func segment(_ luma: [UInt8], before: [UInt8], settings: BackgroundKernels.SegmentSettings,
                         mask: inout [UInt8]) -> BackgroundKernels.SegmentCounts {
        luma.withUnsafeBufferPointer { px in
            before.withUnsafeBufferPointer { bf in
                background.withUnsafeMutableBufferPointer { bg in
                    mask.withUnsafeMutableBufferPointer { m in
                        previousRaw.withUnsafeMutableBufferPointer { pv in
                            flicker.withUnsafeMutableBufferPointer { fl in
                                BackgroundKernels.segment(px, before: bf, background: bg, mask: m, previous: pv, flicker: fl, settings)
                            }
                        }
                    }
                }
            }
        }
    }
}
