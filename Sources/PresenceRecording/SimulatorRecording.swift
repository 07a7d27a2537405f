/// Writes a simulated scene as a recording: every sample, every label, and the
/// scene facts in the `presenced` metadata record.
extension Simulator {
    public func write(to path: String) throws {
        let writer = try RecordingWriter(path: path, metadata: metadata)
        try run { output in
            switch output {
            case .sample(let sample):
                try writer.write(sample)
            case .label(let t, let occupied, let count, let condition):
                try writer.writeLabel(t: t, occupied: occupied, count: count, condition: condition)
            }
        }
        try writer.finish()
    }
}
