import Foundation
import PresenceCore
import Testing
@testable import PresenceRecording

/// Each kind of bad input named in issue 4 gives a clear RecordingError (exit 65);
/// `lenient` skips the damaged part and returns everything else.
@Suite struct DamagedRecordingTests {
    static let frame = VideoFrame(width: 4, height: 3, luma: Array(0..<12).map { UInt8($0 * 20) })
    static let audio = AudioChunk(sampleRate: 16000, samples: [1, 2, 3, 4])

    /// Three seconds of audio at 10 per second: three chunks (they close every second of log time).
    static func threeChunks() throws -> [UInt8] {
        let path = RoundTripTests.tempFile("three.mcap")
        let w = try RecordingWriter(path: path, metadata: [:])
        for k in 0..<30 { try w.write(Sample(t: Int64(k) * 100_000_000, payload: .audio(audio))) }
        try w.finish()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// (opcode, offset) of the top-level records, by walking their lengths.
    static func records(_ bytes: [UInt8]) -> [(op: UInt8, offset: Int)] {
        var out: [(UInt8, Int)] = []
        var at = 8
        while at + 9 <= bytes.count {
            let length = bytes[(at + 1)..<(at + 9)].reversed().reduce(0) { $0 << 8 | Int($1) }
            out.append((bytes[at], at))
            if bytes[at] == MCAP.Opcode.dataEnd.rawValue { break }
            at += 9 + length
        }
        return out
    }

    static func read(_ bytes: [UInt8], lenient: Bool) throws -> (messages: [RecordingMessage], damage: String?) {
        let r = try RecordingReader(bytes: bytes, lenient: lenient)
        var out: [RecordingMessage] = []
        while let m = try r.next() { out.append(m) }
        return (out, r.skippedDamage)
    }

    static func expectDataError(_ bytes: [UInt8], mentioning words: String) {
        do {
            _ = try read(bytes, lenient: false)
            Issue.record("no error; expected one about \(words)")
        } catch let e as RecordingError {
            #expect(e.exitCode == .dataError && e.description.contains(words), "\(e)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test func aCorruptChunkIsSkippedWhenLenient() throws {
        var bytes = try Self.threeChunks()
        let chunks = Self.records(bytes).filter { $0.op == MCAP.Opcode.chunk.rawValue }
        #expect(chunks.count == 3)
        // A byte near the end of the middle chunk's compressed records.
        let next = Self.records(bytes).first { $0.offset > chunks[1].offset }!.offset
        bytes[next - 5] ^= 0xFF
        Self.expectDataError(bytes, mentioning: "chunk")
        let (messages, damage) = try Self.read(bytes, lenient: true)
        #expect(messages.count == 20)
        let kept: [UInt64] = Array(0..<10) + Array(20..<30)
        #expect(messages.map(\.logTime) == kept.map { Int64($0) * 100_000_000 })
        #expect(damage != nil)
    }

    @Test func aDamagedSummaryFallsBackToScanningWhenLenient() throws {
        var bytes = try Self.threeChunks()
        // The summary follows Data End; flip a byte inside it (its CRC no longer matches).
        let dataEnd = Self.records(bytes).first { $0.op == MCAP.Opcode.dataEnd.rawValue }!.offset
        bytes[dataEnd + 9 + 4 + 12] ^= 0x01
        Self.expectDataError(bytes, mentioning: "summary")
        let (messages, damage) = try Self.read(bytes, lenient: true)
        #expect(messages.count == 30)
        #expect(damage?.contains("summary") == true)
    }

    @Test func timeGoingBackwardsIsBadInput() throws {
        var bytes = try Self.threeChunks()
        // Drop the summary, then make the first chunk claim it starts at 1.5 s: the scan orders it after
        // the second chunk, whose messages at 1.0-1.4 s then come before the first chunk's at 0-0.9 s.
        let dataEnd = Self.records(bytes).first { $0.op == MCAP.Opcode.dataEnd.rawValue }!.offset
        bytes = Array(bytes[..<dataEnd])
        let first = Self.records(bytes).first { $0.op == MCAP.Opcode.chunk.rawValue }!.offset
        let claimed: UInt64 = 1_500_000_000
        for i in 0..<8 { bytes[first + 9 + i] = UInt8(truncatingIfNeeded: claimed >> (8 * UInt64(i))) }
        Self.expectDataError(bytes, mentioning: "time goes backwards")
        let (messages, damage) = try Self.read(bytes, lenient: true)
        #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.logTime <= $1.logTime })
        #expect(messages.count == 20 && damage?.contains("10 damaged parts") == true, "\(damage ?? "")")
    }

    @Test func aKnownTopicWithTheWrongSchemaIsBadInput() throws {
        let path = RoundTripTests.tempFile("schema.mcap")
        let mcap = try MCAPWriter(path: path)
        let wrong = try mcap.addSchema(name: "foxglove.CompressedImage", encoding: "protobuf", data: [])
        let camera = try mcap.addChannel(topic: "/camera/image", messageEncoding: "protobuf", schemaID: wrong)
        let good = try mcap.addSchema(name: "foxglove.RawAudio", encoding: "protobuf", data: [])
        let audio = try mcap.addChannel(topic: "/audio", messageEncoding: "protobuf", schemaID: good)
        for k in 0..<5 {
            try mcap.write(channel: camera, logTime: UInt64(k) * 100, publishTime: 0, data: [1, 2, 3])
            try mcap.write(channel: audio, logTime: UInt64(k) * 100 + 1, publishTime: 0, data: MessageCodecs.encodeAudio(Self.audio, t: 0))
        }
        try mcap.finish()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        Self.expectDataError(bytes, mentioning: "expected protobuf foxglove.RawImage, found protobuf foxglove.CompressedImage")
        let (messages, damage) = try Self.read(bytes, lenient: true)
        // The camera topic is skipped whole (said once); audio is read.
        #expect(messages.count == 5)
        #expect(damage?.contains("CompressedImage") == true && damage?.contains("damaged parts") == false, "\(damage ?? "")")
    }

    @Test func anImageSmallerThanItsHeaderSaysIsBadInput() throws {
        let path = RoundTripTests.tempFile("image.mcap")
        let mcap = try MCAPWriter(path: path)
        let imageSchema = try mcap.addSchema(name: "foxglove.RawImage", encoding: "protobuf", data: [])
        let camera = try mcap.addChannel(topic: "/camera/image", messageEncoding: "protobuf", schemaID: imageSchema)
        // The header says 4x300 but the data holds 12 bytes (a 4x3 picture).
        var bad = ProtobufWriter(capacity: 64)
        bad.fixed32Field(2, 4)
        bad.fixed32Field(3, 300)
        bad.stringField(4, "mono8")
        bad.fixed32Field(5, 4)
        bad.bytesField(6, Self.frame.luma)
        try mcap.write(channel: camera, logTime: 0, publishTime: 0, data: bad.bytes)
        try mcap.write(channel: camera, logTime: 100, publishTime: 0, data: MessageCodecs.encodeImage(Self.frame, t: 100))
        try mcap.finish()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        Self.expectDataError(bytes, mentioning: "12 bytes of data for a 4x300 mono8 image")
        let (messages, damage) = try Self.read(bytes, lenient: true)
        #expect(messages.map(\.logTime) == [100] && damage != nil)
    }

    @Test func messagesOnAnUndeclaredChannelAreBadInput() throws {
        let path = RoundTripTests.tempFile("undeclared.mcap")
        let mcap = try MCAPWriter(path: path, options: .init(compression: .none))
        try mcap.write(channel: 7, logTime: 1, publishTime: 1, data: [0])
        try mcap.finish()
        Self.expectDataError([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), mentioning: "undeclared channel 7")
    }
}
