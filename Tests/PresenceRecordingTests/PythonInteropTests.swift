import Foundation
import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceRecording
import PresenceSimulator

/// Our recordings against Python's independent MCAP stack (mcap,
/// mcap-protobuf-support, foxglove-schemas-protobuf) from `make venv`.
@Suite struct PythonInteropTests {
    /// Runs a script from scripts/pycheck; nil (with a recorded issue) when the venv is missing.
    static func runScript(_ name: String, _ args: [String]) throws -> (status: Int32, out: String, err: String)? {
        guard FileManager.default.isExecutableFile(atPath: TestSupport.python) else {
            Issue.record("Python cross-check needs the virtualenv: run `make venv` (make test does)")
            return nil
        }
        let script = TestSupport.repoRoot.appendingPathComponent("scripts/pycheck/\(name)").path
        let r = try TestSupport.run(TestSupport.python, [script] + args)
        return (r.status, r.stdoutText, r.stderr)
    }

    @Test func pythonDecodesEveryMessageOfASimulatedScene() throws {
        let path = RoundTripTests.tempFile("scene.mcap")
        let sim = Simulator(scene: .walkThrough, duration: 12 * Nanos.perSecond, seed: 5)
        try sim.write(to: path)
        var ours: [String: Int] = [:]
        var total = 0
        let reader = try RecordingReader(path: path)
        while let m = try reader.next() {
            total += 1
            let topic = switch m.content {
            case .sample(let s): switch s.payload { case .video: "/camera/image"; case .audio: "/audio"; case .serial: "/radar/ld2410" }
            case .label: "/labels/occupancy"
            case .event: "/events/occupancy"
            }
            ours[topic, default: 0] += 1
        }
        guard let r = try Self.runScript("read_all.py", [path]) else { return }
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(json?["topics"] as? [String: Int] == ours)
        #expect(json?["messages"] as? Int == total)
        #expect((json?["metadata"] as? [String: [String: String]])?["presenced"]?["scene"] == "walk-through")
        #expect(ours["/camera/image"] == 12 * 15 && ours["/audio"] == 12 * 50)
    }

    /// Every chunk compression DESIGN.md §3 says readers accept.
    @Test(arguments: ["zstd", "lz4", "none"])
    func weReplayAFileThatPythonWrote(compression: String) throws {
        let path = RoundTripTests.tempFile("python-\(compression).mcap")
        guard let w = try Self.runScript("write_sample.py", [path, compression]) else { return }
        #expect(w.status == 0, "\(w.err)")
        let reader = try RecordingReader(path: path)
        #expect(reader.metadata["presenced"]?["scene"] == "python-sample")
        #expect(reader.topics.contains("/weather"))
        var messages: [RecordingMessage] = []
        while let m = try reader.next() { messages.append(m) }
        let t0: Int64 = 1_795_413_600_000_000_000
        // In log_time order, although the 100 ms radar chunk was written last; /weather skipped.
        #expect(messages.map { $0.logTime - t0 } == [0, 0, 66_666_667, 100_000_000, 133_333_334, 250_000_000, 300_000_000,
                                                      400_000_000, 500_000_000, 600_000_000])
        var frames: [VideoFrame] = [], audio: [AudioChunk] = [], serial: [[UInt8]] = [], labels: [OccupancyLabel] = []
        for m in messages {
            switch m.content {
            case .sample(let s):
                switch s.payload {
                case .video(let f): frames.append(f)
                case .audio(let a): audio.append(a)
                case .serial(let c): serial.append(c.bytes)
                }
                #expect(s.t == m.logTime)
            case .label(let l): labels.append(l)
            case .event: Issue.record("no events were written")
            }
        }
        #expect(frames.count == 4)
        for k in 0..<3 where k < frames.count {
            #expect(frames[k].width == 8 && frames[k].height == 6)
            #expect(frames[k].luma == (0..<48).map { UInt8((10 * k + $0) % 256) })
        }
        if frames.count == 4 {
            #expect(frames[3].width == 4 && frames[3].height == 2)
            #expect(frames[3].luma == [77, 149, 29, 255, 0, 0, 0, 0])
        }
        #expect(audio == [AudioChunk(sampleRate: 16000, samples: [1, 2, 3, -4]), AudioChunk(sampleRate: 48000, samples: [150, -15])])
        #expect(serial == [[0x55], [0xF4, 0xF3, 0xF2, 0xF1, 0x01, 0x02]])
        #expect(labels == [OccupancyLabel(occupied: false, condition: "empty"), OccupancyLabel(occupied: true, count: 1)])
    }
}
