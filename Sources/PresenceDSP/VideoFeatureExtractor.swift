import PresenceCore

/// The camera's features for the pipeline's ticks: each frame goes through the
/// background model; a tick takes the largest foreground and motion of its
/// frames, the largest blob, the last blob centre, the fastest movement of that
/// centre, and whether the scene changed. A camera slower than the tick leaves
/// some ticks without a frame: they keep the last frame's values.
public final class VideoFeatureExtractor {
    public struct TickSummary: Sendable, Equatable {
        public var foreground: Float = 0
        public var motion: Float = 0
        public var blobArea: Float = 0
        public var blobX: Float = 0
        public var blobY: Float = 0
        public var blobSpeed: Float = 0
        public var sceneChanged = false

        /// The camera's features of the tick.
        public func write(into f: inout FeatureVector) {
            f[.cameraForeground] = foreground
            f[.cameraMotion] = motion
            f[.cameraBlobArea] = blobArea
            f[.cameraBlobX] = blobX
            f[.cameraBlobY] = blobY
            f[.cameraBlobSpeed] = blobSpeed
            f[.cameraSceneChanged] = sceneChanged ? 1 : 0
        }
    }

    private let background: BackgroundSubtractor
    /// The last frame's foreground mask, 0/255 (for `--dump-masks`).
    public private(set) var mask: [UInt8] = []
    private var summary = TickSummary()
    private var framesThisTick = 0
    private var lastCentre: (x: Float, y: Float, t: Int64)?

    public init(parameters: BackgroundSubtractor.Parameters = .init()) {
        background = BackgroundSubtractor(parameters: parameters)
    }

    public func process(_ frame: VideoFrame, at t: Int64) {
        let r = background.process(frame, mask: &mask)
        if framesThisTick == 0 {
            // The first frame of a tick replaces the previous tick's values; later ones take the maximum.
            summary = TickSummary(blobX: summary.blobX, blobY: summary.blobY)
        }
        framesThisTick += 1
        summary.foreground = max(summary.foreground, r.foregroundFraction)
        summary.motion = max(summary.motion, r.frameDifference)
        summary.sceneChanged = summary.sceneChanged || r.sceneChanged
        guard let blob = r.blob else {
            lastCentre = nil
            return
        }
        summary.blobArea = max(summary.blobArea, blob.area)
        (summary.blobX, summary.blobY) = (blob.x, blob.y)
        if let last = lastCentre, t > last.t {
            let d = ((blob.x - last.x) * (blob.x - last.x) + (blob.y - last.y) * (blob.y - last.y)).squareRoot()
            summary.blobSpeed = max(summary.blobSpeed, d / Float(Nanos.toSeconds(t - last.t)))
        }
        lastCentre = (blob.x, blob.y, t)
    }

    /// This tick's values (the last ones again when no frame came).
    public func takeTickSummary() -> TickSummary {
        framesThisTick = 0
        return summary
    }
}
