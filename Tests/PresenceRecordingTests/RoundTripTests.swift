import Foundation
import PresenceCore
import Testing
@testable import PresenceRecording

@Suite struct RoundTripTests {
    static func tempFile(_ name: String) -> String {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("presenced-rec-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static let frame = VideoFrame(width: 4, height: 3, luma: Array(0..<12).map { UInt8($0 * 20) })
    static let audio = AudioChunk(sampleRate: 16000, samples: [0, 1, -1, 32767, -32768, 1234])
    static let serial = SerialChunk(model: .ld2410, device: "/dev/ttyUSB0", bytes: [0xF4, 0xF3, 0x00, 0xFF])

    static func readAll(_ path: String) throws -> [RecordingMessage] {
        let r = try RecordingReader(path: path)
        var out: [RecordingMessage] = []
        while let m = try r.next() { out.append(m) }
        return out
    }

    @Test(arguments: [MCAPCompression.zstd, .none])
    func everyKindRoundTrips(compression: MCAPCompression) throws {
        let path = Self.tempFile("rt.mcap")
        let w = try RecordingWriter(path: path, metadata: ["scene": "unit"], compression: compression)
        try w.writeLabel(t: 1_000, occupied: false, condition: "empty")
        try w.write(Sample(t: 2_000, payload: .video(Self.frame)))
        try w.write(Sample(t: 3_000, payload: .audio(Self.audio)))
        try w.write(Sample(t: 4_000, payload: .serial(Self.serial)))
        try w.write(Sample(t: 4_000, payload: .serial(SerialChunk(model: .ld2450, device: "b", bytes: [1]))))
        try w.writeEvent(t: 5_000, json: #"{"type":"occupancy","seq":1}"#)
        try w.writeLabel(t: 6_000, occupied: true, count: 2)
        try w.finish()

        let reader = try RecordingReader(path: path)
        #expect(reader.metadata["presenced"] == ["scene": "unit"])
        #expect(reader.topics == ["/labels/occupancy", "/camera/image", "/audio", "/radar/ld2410", "/radar/ld2450", "/events/occupancy"])
        let all = try Self.readAll(path)
        #expect(all.map(\.logTime) == [1_000, 2_000, 3_000, 4_000, 4_000, 5_000, 6_000])
        guard all.count == 7 else { return }
        guard case .label(let l0) = all[0].content, case .sample(let v) = all[1].content, case .sample(let a) = all[2].content,
              case .sample(let s) = all[3].content, case .sample(let s2) = all[4].content, case .event(let e) = all[5].content,
              case .label(let l1) = all[6].content else {
            Issue.record("wrong kinds: \(all.map(\.content))")
            return
        }
        #expect(l0 == OccupancyLabel(occupied: false, condition: "empty") && l1 == OccupancyLabel(occupied: true, count: 2))
        if case .video(let f) = v.payload { #expect(f == Self.frame) } else { Issue.record("not video") }
        if case .audio(let c) = a.payload { #expect(c == Self.audio) } else { Issue.record("not audio") }
        if case .serial(let c) = s.payload { #expect(c == Self.serial) } else { Issue.record("not serial") }
        if case .serial(let c) = s2.payload { #expect(c.model == .ld2450 && c.bytes == [1]) } else { Issue.record("not serial") }
        #expect(e == #"{"type":"occupancy","seq":1}"#)
    }

    @Test func sameInputsGiveSameBytes() throws {
        var files: [Data] = []
        for i in 0..<2 {
            let path = Self.tempFile("d\(i).mcap")
            let w = try RecordingWriter(path: path, metadata: ["a": "b", "c": "d"])
            for k in 0..<40 { try w.write(Sample(t: Int64(k) * 50_000_000, payload: .video(Self.frame))) }
            try w.finish()
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1])
    }

    @Test func chunksCloseEverySecondAndReadBackInTimeOrder() throws {
        let path = Self.tempFile("many.mcap")
        let w = try RecordingWriter(path: path, metadata: [:])
        for k in 0..<100 { try w.write(Sample(t: Int64(k) * 100_000_000, payload: .audio(Self.audio))) }
        try w.finish()
        let mcap = try MCAPReader(path: path, lenient: false)
        var n = 0
        var last: UInt64 = 0
        while let m = try mcap.next() {
            #expect(m.logTime >= last)
            last = m.logTime
            n += 1
        }
        #expect(n == 100)
    }

    @Test func badInputIsATypedErrorNotATrap() throws {
        let good = Self.tempFile("good.mcap")
        let w = try RecordingWriter(path: good, metadata: [:])
        for k in 0..<30 { try w.write(Sample(t: Int64(k) * 100_000_000, payload: .video(Self.frame))) }
        try w.finish()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))

        #expect(throws: RecordingError.self) { try RecordingReader(path: Self.tempFile("missing.mcap")) }
        // The footer's summary_start is where the data section (and its Data End record) ends.
        let footer = bytes.count - 8 - MCAP.footerRecordLength
        let summaryStart = bytes[(footer + 9)..<(footer + 17)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let times = try Self.readAll(good).map(\.logTime)
        // Each chunk record: where it ends, and how many messages fall in the log-time range its header declares.
        let chunks = DamagedRecordingTests.records(bytes).filter { $0.op == MCAP.Opcode.chunk.rawValue }.map { r in
            let length = Self.u64(bytes, r.offset + 1), start = Self.u64(bytes, r.offset + 9), end = Self.u64(bytes, r.offset + 17)
            return (end: r.offset + 9 + Int(length), messages: times.filter { (start...end).contains(UInt64($0)) }.count)
        }
        #expect(chunks.count == 3 && chunks.map(\.messages).reduce(0, +) == 30, "the writer closes a chunk per second of log time: \(chunks)")
        for cut in stride(from: 0, to: bytes.count, by: 37) {
            let path = Self.tempFile("cut.mcap")
            try Data(bytes[..<cut]).write(to: URL(fileURLWithPath: path))
            do {
                let messages = try Self.readAll(path)
                // Cut inside the summary: every message is still there, found by scanning.
                #expect(cut >= summaryStart && messages.count == 30, "a file cut at \(cut) of \(bytes.count) bytes read without error")
            } catch let e as RecordingError {
                #expect(cut < summaryStart, "cut \(cut) after the data section: \(e)")
                #expect(e.exitCode == .dataError, "cut \(cut): \(e)")
            }
            // Lenient reading of a cut file returns what is intact, without error: every message of each chunk
            // that ends before the cut (a file cut inside its magic is not a recording at all).
            if cut >= 8 {
                let r = try RecordingReader(path: path, lenient: true)
                var read = 0
                while try r.next() != nil { read += 1 }
                let intact = chunks.filter { $0.end <= cut }.map(\.messages).reduce(0, +)
                #expect(read == intact, "lenient read of a file cut at \(cut): \(read) messages, \(intact) in the chunks before the cut")
            }
        }
        // Flip bytes in the middle: corrupt chunks or indexes must be detected or decode cleanly, never trap.
        for i in stride(from: 8, to: bytes.count, by: 11) {
            var damaged = bytes
            damaged[i] ^= 0x5A
            let path = Self.tempFile("flip.mcap")
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Self.readAll(path)
            } catch is RecordingError {
                // Detected, as it should be: a typed error with an exit code.
            } catch {
                Issue.record("byte \(i) flipped: \(error) is not a RecordingError")
            }
        }
    }

    /// The little-endian u64 at `offset`.
    static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        bytes[offset..<(offset + 8)].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
