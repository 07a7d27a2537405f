import PresenceCore
import Testing
@testable import PresenceRecording

@Suite struct MessageCodecTests {
    static func image(encoding: String, width: Int, height: Int, step: Int, data: [UInt8]) -> [UInt8] {
        var w = ProtobufWriter()
        w.fixed32Field(2, UInt32(width))
        w.fixed32Field(3, UInt32(height))
        w.stringField(4, encoding)
        w.fixed32Field(5, UInt32(step))
        w.bytesField(6, data)
        w.stringField(99, "an unknown field is skipped")
        return w.bytes
    }

    @Test func colourEncodingsBecomeLumaHonouringStep() throws {
        // 2x2 rgb8 with 2 bytes of row padding (step 8).
        let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 9, 9,
                            0, 0, 255, 255, 255, 255, 9, 9]
        let f = try MessageCodecs.decodeImage(Self.image(encoding: "rgb8", width: 2, height: 2, step: 8, data: rgb)[...])
        #expect(f.luma == [77, 149, 29, 255])
        let bgr: [UInt8] = [0, 0, 255, 0, 255, 0, 7,
                            255, 0, 0, 255, 255, 255, 7]
        let g = try MessageCodecs.decodeImage(Self.image(encoding: "bgr8", width: 2, height: 2, step: 7, data: bgr)[...])
        #expect(g.luma == f.luma)
        // yuyv: Y0 U Y1 V, step 6 (2 bytes padding).
        let yuyv: [UInt8] = [10, 128, 20, 128, 0, 0, 30, 128, 40, 128, 0, 0]
        let y = try MessageCodecs.decodeImage(Self.image(encoding: "yuyv", width: 2, height: 2, step: 6, data: yuyv)[...])
        #expect(y.luma == [10, 20, 30, 40])
    }

    @Test func inconsistentImagesAreRejected() {
        #expect(throws: RecordingError.self) { try MessageCodecs.decodeImage(Self.image(encoding: "mono8", width: 4, height: 4, step: 4, data: [1, 2, 3])[...]) }
        #expect(throws: RecordingError.self) { try MessageCodecs.decodeImage(Self.image(encoding: "mono8", width: 4, height: 1, step: 2, data: [1, 2, 3, 4])[...]) }
        #expect(throws: RecordingError.self) { try MessageCodecs.decodeImage(Self.image(encoding: "jpeg", width: 1, height: 1, step: 1, data: [1])[...]) }
        #expect(throws: RecordingError.self) { try MessageCodecs.decodeImage([0x0A, 0xFF][...]) }
    }

    @Test func stereoIsMixedDown() throws {
        var w = ProtobufWriter()
        w.bytesField(2, [0x10, 0x00, 0x30, 0x00, 0xFE, 0xFF, 0xFE, 0xFF])
        w.stringField(3, "pcm-s16")
        w.fixed32Field(4, 48000)
        w.fixed32Field(5, 2)
        let c = try MessageCodecs.decodeAudio(w.bytes[...])
        #expect(c.sampleRate == 48000 && c.samples == [0x20, -2])
    }

    @Test func timestampsRoundTrip() throws {
        for t: Int64 in [0, 1, 1_795_413_600_123_456_789, -1_500_000_000] {
            var w = ProtobufWriter()
            w.timestampField(1, nanoseconds: t)
            var r = ProtobufReader(w.bytes[...])
            guard case .bytes(let b)? = try r.next()?.value else { Issue.record("no field"); continue }
            #expect(try ProtobufReader.timestamp(b) == t)
        }
    }
}

@Suite struct LabelParsingTests {
    @Test func labelsNeedABooleanOccupied() throws {
        #expect(try RecordingReader.label(Array(#"{"occupied":true,"count":2,"condition":"still"}"#.utf8)[...]) == OccupancyLabel(occupied: true, count: 2, condition: "still"))
        #expect(try RecordingReader.label(Array(#"{"occupied":false}"#.utf8)[...]) == OccupancyLabel(occupied: false))
        for bad in [#"{"occupied":1}"#, #"{"occupied":"yes"}"#, #"{"count":1}"#, "[true]", "not json"] {
            #expect(throws: RecordingError.self, "\(bad)") { try RecordingReader.label(Array(bad.utf8)[...]) }
        }
    }
}

/// zlib's CRC-32 against the byte-wise table twin.
@Suite struct CRC32Tests {
    @Test func knownValueAndAgreementWithTheScalarTwin() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.scalarChecksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var rng = SplitMix64(seed: 42)
        for length in [0, 1, 7, 8, 63, 64, 1000, 65_537] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(CRC32.checksum(bytes) == CRC32.scalarChecksum(bytes), "length \(length)")
            // In two pieces, as the writer feeds summary and footer.
            var c = CRC32()
            c.update(bytes[..<(length / 3)])
            c.update(bytes[(length / 3)...])
            #expect(c.value == CRC32.scalarChecksum(bytes))
        }
    }
}

/// Our chunks carry zstd's content checksum, which stands in for the chunk CRC on reading;
/// a damaged chunk is still caught.
@Suite struct ZstdChecksumTests {
    @Test func framesCarryAChecksumThatCatchesDamage() throws {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        var frame = Zstd.compress(data)
        #expect(Zstd.hasContentChecksum(frame[...]))
        #expect(!Zstd.hasContentChecksum([0x28, 0xB5, 0x2F, 0xFD, 0x00][...]))
        #expect(!Zstd.hasContentChecksum([1, 2, 3][...]))
        let decoder = ZstdDecoder()
        var out = [UInt8](repeating: 0, count: data.count)
        try out.withUnsafeMutableBufferPointer { try decoder.decompress(frame[...], into: $0) }
        #expect(out == data)
        // The last four bytes are the checksum: a wrong one is an error, not silently accepted data.
        frame[frame.count - 1] ^= 0xFF
        #expect(throws: RecordingError.self) { try out.withUnsafeMutableBufferPointer { try decoder.decompress(frame[...], into: $0) } }
    }
}
