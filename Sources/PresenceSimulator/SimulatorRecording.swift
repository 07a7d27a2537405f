import PresenceRecording

/// Writes a simulated scene as a recording: every sample, every label, and the
/// scene facts in the `presenced` metadata record. With `truthMasks` on,
/// `mask` receives the n-th camera frame's truth mask (n from 1), which the
/// recording itself does not hold.
extension Simulator {
    public func write(to path: String, mask: ((Int, Int, Int, [UInt8]) throws -> Void)? = nil) throws {
        let writer = try RecordingWriter(path: path, metadata: metadata)
        var frames = 0
        try run { output in
            switch output {
            case .sample(let sample):
                try writer.write(sample)
            case .label(let t, let occupied, let count, let condition):
                try writer.writeLabel(t: t, occupied: occupied, count: count, condition: condition)
            case .truthMask(_, let width, let height, let m):
                frames += 1
                try mask?(frames, width, height, m)
            }
        }
        try writer.finish()
    }
}
