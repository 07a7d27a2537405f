import PresenceCore

/// The background model of the camera: for each pixel a set of grey levels it has
/// shown as background (samples, in the manner of ViBe, Barnich & Van Droogenbroeck
/// 2011). A pixel is background when enough of its samples lie near it, so a
/// background that moves between a few values (a fan's blades, leaves, a flickering
/// screen) is learned as such, and nothing else needs to be special-cased.
///
/// - The match radius follows the camera's own noise, measured on every frame from
///   the median change between frames: a clean camera is held to 10 grey levels, a
///   noisy or heavily compressed one gets up to 30.
/// - A global lighting change (a lamp, the sun, auto-exposure) is taken off the
///   frame before it is compared: a gain and an offset, from the median difference
///   between frame and model among the darker and among the brighter half of the
///   pixels, is a change of light, not motion (auto-exposure scales the picture;
///   a lamp mostly adds to it).
/// - Only background pixels update the model, slowly and at random: a sample of the
///   pixel itself, and one of a neighbour's (so the model spreads into what it
///   missed). A person who sits still is never learned into their own pixels and
///   stays foreground.
/// - A ghost (where something stood when the model was learned, or left since) is
///   still and matches the background around it: foreground pixels that have not
///   changed for `healAfterStillFrames` frames and match the samples of a
///   neighbouring background pixel are background again. Pixel by pixel, that would
///   also wear away a person lying still from any low-contrast point of their
///   outline (a soft shadow bridges it), and so would the spreading of samples:
///   still regions with an edge along most of their outline are still objects
///   (`StillObjectFinder`), protected from both. "Still" allows for the camera's
///   noise (1.5 match radii).
/// - Then a 3x3 median, regions smaller than `minimumRegionShare` of the frame
///   dropped, and the largest blob.
/// A view that is mostly foreground and holds still for a few frames (the camera moved,
/// was covered or uncovered) is a scene change: the model learns the new scene afresh.
/// Random choices come from a seeded generator: the same frames always give the same masks.
public final class BackgroundSubtractor {
    public struct Parameters: Sendable {
        /// Grey levels remembered per pixel.
        public var samples = 20
        /// For this many frames after the model was made from one frame, background pixels update it every
        /// `startUpdateEvery` frames instead of `updateEvery`: the samples soon hold the camera's noise and
        /// flicker, not one frame's values only.
        public var startFrames = 15
        public var startUpdateEvery = 4
        /// How many of them must match for background.
        public var minMatches = 2
        /// The match radius is `noiseRadius` times the camera's noise (σ, grey levels), within `radius`.
        public var noiseRadius: Float = 3
        public var radius: ClosedRange<Float> = 8...30
        /// A background pixel updates one of its samples with probability 1/`updateEvery` per frame, and one of a
        /// neighbour's with the same probability (at 15 fps: about once a second each).
        public var updateEvery = 16
        /// A pixel is still while it changes by less than this from frame to frame (grey levels).
        public var stillThreshold: UInt8 = 10
        /// Foreground still this many frames may be a ghost (checked against the background next to it).
        public var healAfterStillFrames: UInt8 = 15
        /// Regions smaller than this share of the frame are dropped (0.05 %: 38 pixels of 320x240).
        public var minimumRegionShare: Float = 0.0005
        /// A new view (the camera moved, was covered or uncovered) is more than `sceneChangeFraction` of the frame in
        /// raw foreground for `sceneChangeFrames` frames in a row that each differ from the last by less than
        /// `sceneSettledDifference` grey levels on average (beyond a lighting step): the new view holds still.
        /// Something that moves in front of most of the view (smoke, a person close to the lens) keeps changing
        /// and stays foreground.
        public var sceneChangeFraction: Float = 0.5
        public var sceneChangeFrames = 5
        public var sceneSettledDifference: Float = 8
        /// The random generator's seed.
        public var seed: UInt64 = 0x5EED_BA5E
        public init() {}
    }

    public struct Result: Sendable, Equatable {
        /// Share 0...1 of the frame in foreground (after the median and the region filter).
        public var foregroundFraction: Float
        /// Mean absolute change from the previous frame beyond a lighting step and the camera's own noise (what
        /// two frames of a still scene differ by: 1.13 σ), grey levels: 0 for a still view on any camera.
        public var frameDifference: Float
        /// The global lighting change that was compensated, as the shift of mid-grey (128), grey levels.
        public var illuminationShift: Float
        /// The model was (re)initialised from this frame: the mask is all 0.
        public var learning: Bool
        /// The largest foreground region, if any.
        public var blob: BlobFinder.Blob?
        /// The view changed wholesale (camera moved or covered): the model starts learning again.
        public var sceneChanged: Bool
    }

    public let parameters: Parameters
    private(set) var width = 0
    private(set) var height = 0
    /// `parameters.samples` grey levels of each pixel, laid out as `layout` says.
    private var samples: [UInt8] = []
    private var layout = BackgroundKernels.SampleLayout(pixels: 0, count: 1)
    private var adjusted: [UInt8] = []
    private var previous: [UInt8] = []
    private var still: [UInt8] = []
    private var scratch: [UInt8] = []
    private var initialised = false
    /// Frames since the model was (re)initialised.
    private var framesSinceLearning = 0
    private var noise = CameraNoise()
    private var histogramDark = [Int](repeating: 0, count: 511)
    private var histogramBright = [Int](repeating: 0, count: 511)
    /// Grey level in the frame → grey level in the model's lighting, for this frame.
    private var lighting = [UInt8](repeating: 0, count: 256)
    /// Frames in a row that looked like a new view that holds still (see `Parameters.sceneChangeFraction`).
    private var newViewFrames = 0
    private var random: RandomTable
    private var blobs = BlobFinder()
    private var regions = ComponentFilter()
    private var stillObjects = StillObjectFinder()
    /// 1 where a still object is (`StillObjectFinder`): not healed, and no samples spread into it.
    private var protected: [UInt8] = []
    private var protectedRows = 0..<0

    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
        random = RandomTable(seed: parameters.seed)
    }

    /// The match radius in force (grey levels).
    public var radius: UInt8 {
        let r = (noise.sigma ?? 0) * parameters.noiseRadius
        return UInt8(min(parameters.radius.upperBound, max(parameters.radius.lowerBound, r)).rounded())
    }

    /// Updates the model with `frame`; `mask` receives 0/255 per pixel (all 0 while learning).
    public func process(_ frame: VideoFrame, mask: inout [UInt8]) -> Result {
        if frame.width != width || frame.height != height { reset(width: frame.width, height: frame.height) }
        let n = frame.luma.count
        if mask.count != n { mask = [UInt8](repeating: 0, count: n) }
        guard initialised else {
            learn(frame.luma)
            mask.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return Result(foregroundFraction: 0, frameDifference: 0, illuminationShift: 0, learning: true, blob: nil, sceneChanged: false)
        }
        // Still: changed by less than the threshold, or than 1.5 match radii on a noisy camera (4.5 σ: noise alone
        // hardly ever breaks stillness).
        let stillThreshold = max(parameters.stillThreshold, UInt8(min(255, Int(radius) * 3 / 2)))
        frame.luma.withUnsafeBufferPointer { px in
            previous.withUnsafeBufferPointer { bf in
                still.withUnsafeMutableBufferPointer { _ = BackgroundKernels.stillness(px, before: bf, still: $0, threshold: stillThreshold) }
            }
        }
        noise.follow(frame.luma, previous: previous, width: width, height: height)
        // A noisy camera's frames differ everywhere; that is not motion (a model that took it for motion learned
        // "a noisy camera means someone is there").
        let diff = max(0, noise.lastChange - 1.128 * (noise.sigma ?? 0))
        random.newFrame()
        let shift = compensateLighting(frame.luma, lastMask: mask)
        let settings = BackgroundKernels.MatchSettings(radius: radius, minMatches: UInt8(parameters.minMatches))
        let raw = adjusted.withUnsafeBufferPointer { g in
            samples.withUnsafeBufferPointer { sm in
                mask.withUnsafeMutableBufferPointer { BackgroundKernels.match(g, samples: sm, layout: layout, mask: $0, settings) }
            }
        }
        // Kept by reference, not copied: frames are values, and the caller's next frame is another array.
        previous = frame.luma
        // A new view: most of the frame foreground, and still, for a few frames in a row.
        let share = Float(raw) / Float(max(n, 1))
        let newView = share > parameters.sceneChangeFraction && noise.lastChange < parameters.sceneSettledDifference
        newViewFrames = newView ? newViewFrames + 1 : 0
        if newViewFrames >= parameters.sceneChangeFrames {
            // Not motion in a scene we know: a new scene. Learn it, and say so for this frame.
            learn(frame.luma)
            mask.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return Result(foregroundFraction: 0, frameDifference: diff, illuminationShift: Float(shift), learning: true, blob: nil, sceneChanged: true)
        }
        mask.withUnsafeMutableBufferPointer { m in
            findStillObjects(m, radius: settings.radius)
            if raw > 0 { healGhosts(m, radius: settings.radius) }
            updateModel(m)
        }
        framesSinceLearning += 1
        var count = 0
        var blob: BlobFinder.Blob?
        mask.withUnsafeMutableBufferPointer { m in
            scratch.withUnsafeMutableBufferPointer { Morphology.median(m, scratch: $0, width: width, height: height) }
            let rows = BackgroundKernels.rowsWithForeground(UnsafeBufferPointer(m), width: width)
            guard !rows.isEmpty else { return }
            let minimum = Int((parameters.minimumRegionShare * Float(n)).rounded(.up))
            count = regions.filter(m, width: width, height: height, rows: rows, minimumArea: minimum)
            if count > 0 { blob = blobs.largest(UnsafeBufferPointer(m), width: width, height: height, rows: rows) }
        }
        return Result(foregroundFraction: Float(count) / Float(max(n, 1)), frameDifference: diff,
                      illuminationShift: Float(shift), learning: false, blob: blob, sceneChanged: false)
    }

    public func reset(width: Int, height: Int) {
        self.width = width
        self.height = height
        let n = width * height
        layout = BackgroundKernels.SampleLayout(pixels: n, count: parameters.samples)
        samples = [UInt8](repeating: 0, count: layout.storage)
        adjusted = [UInt8](repeating: 0, count: n)
        previous = [UInt8](repeating: 0, count: n)
        still = [UInt8](repeating: 0, count: n)
        scratch = [UInt8](repeating: 0, count: n)
        protected = [UInt8](repeating: 0, count: n)
        protectedRows = 0..<0
        initialised = false
        noise.reset()
    }

    /// A new model from one frame: each sample of a pixel is the pixel or one of its 8 neighbours, at random.
    private func learn(_ luma: [UInt8]) {
        samples.withUnsafeMutableBufferPointer { sm in
            luma.withUnsafeBufferPointer { px in
                for k in 0..<parameters.samples {
                    for y in 0..<height {
                        for x in 0..<width {
                            let (dx, dy) = neighbourOffset(&random, includingSelf: true)
                            let xx = min(width - 1, max(0, x + dx)), yy = min(height - 1, max(0, y + dy))
                            sm[layout.index(pixel: y * width + x, sample: k)] = px[yy * width + xx]
                        }
                    }
                }
            }
        }
        previous = luma
        still.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        initialised = true
        framesSinceLearning = 0
        newViewFrames = 0
    }

    /// The lighting change of this frame against the model, taken off into `adjusted`: over every 13th row, among
    /// the pixels that were background in the last frame (`lastMask`: the caller's mask still holds it; all 0 when
    /// it does not), the median of (pixel − sample 0) among those whose sample
    /// is below mid-grey and among those above it, at the mean sample of each, give a gain and an offset. Medians,
    /// and the last frame's foreground left out: a person covering much of the view does not pass for a change of
    /// light. Returns the change at mid-grey.
    private func compensateLighting(_ luma: [UInt8], lastMask: [UInt8]) -> Int {
        var dark = (count: 0, level: 0), bright = (count: 0, level: 0)
        histogramDark.withUnsafeMutableBufferPointer { hd in
            histogramBright.withUnsafeMutableBufferPointer { hb in
                hd.update(repeating: 0)
                hb.update(repeating: 0)
                luma.withUnsafeBufferPointer { px in
                    samples.withUnsafeBufferPointer { sm in
                      lastMask.withUnsafeBufferPointer { was in
                        var y = 0
                        while y < height {
                            for i in (y * width)..<((y + 1) * width) where was[i] == 0 {
                                let s = Int(sm[layout.index(pixel: i, sample: 0)]), d = Int(px[i]) - s + 255
                                if s < 128 {
                                    hd[d] += 1
                                    dark.count += 1
                                    dark.level += s
                                } else {
                                    hb[d] += 1
                                    bright.count += 1
                                    bright.level += s
                                }
                            }
                            y += 13
                        }
                      }
                    }
                }
            }
        }
        // The median of one histogram, or of both added up.
        func median(_ a: [Int], _ b: [Int]?, _ count: Int) -> Float {
            var acc = 0
            for bin in 0..<a.count {
                acc += a[bin] + (b?[bin] ?? 0)
                if acc * 2 >= count { return Float(bin - 255) }
            }
            return 0
        }
        // Too few pixels on one side (a dark or a bright scene): one shift for all.
        let all = dark.count + bright.count
        var gain: Float = 1, offset: Float = 0
        if dark.count >= all / 10, bright.count >= all / 10, dark.count > 0, bright.count > 0 {
            let sDark = Float(dark.level) / Float(dark.count), sBright = Float(bright.level) / Float(bright.count)
            let dDark = median(histogramDark, nil, dark.count), dBright = median(histogramBright, nil, bright.count)
            gain = min(2, max(0.5, 1 + (dBright - dDark) / max(1, sBright - sDark)))
            offset = dDark - (gain - 1) * sDark
        } else if all > 0 {
            offset = median(histogramDark, histogramBright, all)
        }
        // frame = gain · model + offset, so the model's value of a frame's grey level v is (v − offset) / gain.
        // Most frames need no change, many only a shift: the table (one lookup a pixel) only for a gain.
        let shift = Int(offset.rounded())
        adjusted.withUnsafeMutableBufferPointer { g in
            luma.withUnsafeBufferPointer { px in
                if gain == 1 {
                    BackgroundKernels.shift(px, by: -shift, into: g)
                } else {
                    for v in 0..<256 { lighting[v] = UInt8(min(255, max(0, ((Float(v) - offset) / gain).rounded()))) }
                    lighting.withUnsafeBufferPointer { table in for i in 0..<px.count { g[i] = table[Int(px[i])] } }
                }
            }
        }
        return Int(((gain - 1) * 128 + offset).rounded())
    }

    /// Marks the still objects in `protected` (all of it cleared where there is no foreground any more).
    private func findStillObjects(_ mask: UnsafeMutableBufferPointer<UInt8>, radius: UInt8) {
        let rows = BackgroundKernels.rowsWithForeground(UnsafeBufferPointer(mask), width: width)
        let width = self.width, height = self.height, stillFrames = parameters.healAfterStillFrames
        protected.withUnsafeMutableBufferPointer { p in
            // Rows outside `rows` may hold last frame's marks.
            if protectedRows != rows {
                for i in (protectedRows.lowerBound * width)..<(protectedRows.upperBound * width) { p[i] = 0 }
            }
            adjusted.withUnsafeBufferPointer { g in
                still.withUnsafeBufferPointer { st in
                    stillObjects.find(mask: UnsafeBufferPointer(mask), still: st, stillFrames: stillFrames, frame: g,
                                      width: width, height: height, rows: rows, radius: radius, protected: p)
                }
            }
        }
        protectedRows = rows
    }

    /// Foreground pixels that stayed still long enough, are not part of a still object and match the samples of
    /// a random neighbour that is background are a ghost: background again, and their own model learns the value.
    private func healGhosts(_ mask: UnsafeMutableBufferPointer<UInt8>, radius: UInt8) {
        let rows = BackgroundKernels.rowsWithForeground(UnsafeBufferPointer(mask), width: width)
        let minMatches = parameters.minMatches, sampleCount = parameters.samples, healAfter = parameters.healAfterStillFrames
        samples.withUnsafeMutableBufferPointer { sm in
            adjusted.withUnsafeBufferPointer { g in
                still.withUnsafeBufferPointer { st in
                  protected.withUnsafeBufferPointer { object in
                    for y in rows {
                        for x in 0..<width {
                            let i = y * width + x
                            guard mask[i] != 0, st[i] >= healAfter, object[i] == 0 else { continue }
                            let (dx, dy) = neighbourOffset(&random, includingSelf: false)
                            let xx = x + dx, yy = y + dy
                            guard xx >= 0, xx < width, yy >= 0, yy < height else { continue }
                            let j = yy * width + xx
                            guard mask[j] == 0 else { continue }
                            var matches = 0
                            var k = 0
                            while k < sampleCount, matches < minMatches {
                                if abs(Int(g[i]) - Int(sm[layout.index(pixel: j, sample: k)])) < Int(radius) {
                                    matches += 1
                                }
                                k += 1
                            }
                            guard matches >= minMatches else { continue }
                            mask[i] = 0
                            sm[layout.index(pixel: i, sample: below(sampleCount, random.next()))] = g[i]
                        }
                    }
                  }
                }
            }
        }
    }

    /// The conservative, random update: about one background pixel in `updateEvery` replaces one of its samples
    /// with its (lighting-compensated) value, and puts it into one of a neighbour's samples too. Pixels are
    /// picked by random strides (mean `updateEvery`); one random draw gives a pixel's stride (bits 0-31), its
    /// sample (32-47), the neighbour's sample (48-60) and which neighbour (61-63).
    private func updateModel(_ mask: UnsafeMutableBufferPointer<UInt8>) {
        let n = width * height
        let starting = framesSinceLearning < parameters.startFrames
        let every = UInt64(max(1, starting ? parameters.startUpdateEvery : parameters.updateEvery))
        let sampleCount = parameters.samples, span = Int(2 * every - 1)
        var random = self.random
        defer { self.random = random }
        samples.withUnsafeMutableBufferPointer { sm in
          protected.withUnsafeBufferPointer { object in
            adjusted.withUnsafeBufferPointer { g in
                var i = below(Int(every), random.next())
                var x = i % width, y = i / width
                while i < n {
                    let r = random.next()
                    if mask[i] == 0 {
                        sm[layout.index(pixel: i, sample: below(sampleCount, ((r >> 32) & 0xFFFF) << 16))] = g[i]
                        let k = Int(r >> 61), neighbour = k < 4 ? k : k + 1  // one of the 8, not the centre
                        let xx = x + neighbour % 3 - 1, yy = y + neighbour / 3 - 1
                        if xx >= 0, xx < width, yy >= 0, yy < height, object[yy * width + xx] == 0 {
                            let k = below(sampleCount, ((r >> 48) & 0x1FFF) << 19)
                            sm[layout.index(pixel: yy * width + xx, sample: k)] = g[i]
                        }
                    }
                    let step = 1 + below(span, r & 0xFFFF_FFFF)
                    i += step
                    x += step
                    while x >= width {
                        x -= width
                        y += 1
                    }
                }
            }
          }
        }
    }
}

/// A number in 0..<n from 32 random bits, by a multiplication and a shift (Lemire): no division in hot loops.
@inline(__always)
private func below(_ n: Int, _ bits: UInt64) -> Int {
    Int(((bits & 0xFFFF_FFFF) &* UInt64(n)) >> 32)
}

/// A random offset to one of the 8 neighbours (or, `includingSelf`, of the 9 pixels of the 3x3 block).
@inline(__always)
private func neighbourOffset(_ random: inout RandomTable, includingSelf: Bool) -> (Int, Int) {
    let r = below(includingSelf ? 9 : 8, random.next())
    let k = includingSelf || r < 4 ? r : r + 1  // skip the centre (4) when it is not wanted
    return (k % 3 - 1, k / 3 - 1)
}
