import Testing
@testable import PresenceRadar
import PresenceCore

@Suite struct LD2410ParserTests {
    static let engineering = LD2410Report(
        targetState: 3, movingDistanceCm: 150, movingEnergy: 80, stillDistanceCm: 160, stillEnergy: 55,
        detectionDistanceCm: 160, movingGateEnergies: [10, 20, 80, 5, 0, 0, 0, 0, 0],
        stillGateEnergies: [15, 30, 55, 9, 1, 0, 0, 0, 0], lightLevel: 120, outPin: 1)
    static let basic = LD2410Report(targetState: 2, movingDistanceCm: 0, movingEnergy: 0, stillDistanceCm: 230,
                                    stillEnergy: 41, detectionDistanceCm: 230)

    @Test func engineeringFrameMatchesDatasheetLayout() {
        let bytes = LD2410Encoder.report(Self.engineering)
        // 4 header + 2 length + 35 payload + 4 footer; length field 0x23 as in the datasheet.
        #expect(bytes.count == 45)
        #expect(bytes[4] == 0x23 && bytes[5] == 0x00)
        #expect(Array(bytes[6...8]) == [0x01, 0xAA, 0x03])
        #expect(LD2410Encoder.report(Self.basic)[4] == 0x0D)
    }

    /// The example frames printed in Hi-Link's "LD2410 serial communication protocol" (V1.02, the data output
    /// section), byte for byte: independent of our encoder. In engineering mode the two bytes after the
    /// still-gate energies are the module's additional data (light level and OUT pin on current firmware).
    @Test func decodesTheDatasheetsOwnExampleFrames() {
        let basicFrame: [UInt8] = [0xF4, 0xF3, 0xF2, 0xF1, 0x0D, 0x00, 0x02, 0xAA, 0x02, 0x51, 0x00, 0x00, 0x00, 0x00, 0x3B,
                                   0x00, 0x00, 0x55, 0x00, 0xF8, 0xF7, 0xF6, 0xF5]
        let engineeringFrame: [UInt8] = [0xF4, 0xF3, 0xF2, 0xF1, 0x23, 0x00, 0x01, 0xAA, 0x03, 0x1E, 0x00, 0x3C, 0x00, 0x00, 0x39,
                                         0x00, 0x00, 0x08, 0x08, 0x3C, 0x22, 0x05, 0x03, 0x03, 0x04, 0x03, 0x06, 0x05,
                                         0x00, 0x00, 0x39, 0x10, 0x13, 0x06, 0x06, 0x08, 0x04, 0x03, 0x05,
                                         0x55, 0x00, 0xF8, 0xF7, 0xF6, 0xF5]
        var p = LD2410Parser()
        var out: [RadarMessage] = []
        p.feed(basicFrame + engineeringFrame, into: &out)
        #expect(p.badFrames == 0 && out.count == 2)
        // Stationary target; moving target at 0x0051 = 81 cm with energy 0; still energy 0x3B = 59.
        #expect(out.first == .report(.ld2410(LD2410Report(targetState: 2, movingDistanceCm: 81, movingEnergy: 0, stillDistanceCm: 0,
                                                          stillEnergy: 59, detectionDistanceCm: 0))))
        // Moving and still target; moving at 0x001E = 30 cm with energy 0x3C = 60; still energy 0x39 = 57;
        // gates 0-8 each way.
        let gates = LD2410Report(targetState: 3, movingDistanceCm: 30, movingEnergy: 60, stillDistanceCm: 0, stillEnergy: 57,
                                 detectionDistanceCm: 0, movingGateEnergies: [60, 34, 5, 3, 3, 4, 3, 6, 5],
                                 stillGateEnergies: [0, 0, 57, 16, 19, 6, 6, 8, 4], lightLevel: 3, outPin: 5)
        #expect(out.last == .report(.ld2410(gates)), "\(out)")
    }

    @Test func decodesFramesSplitAtEveryOffset() {
        let stream = LD2410Encoder.report(Self.engineering) + LD2410Encoder.report(Self.basic)
        for cut in 0...stream.count {
            var p = LD2410Parser()
            var out: [RadarMessage] = []
            p.feed(stream[..<cut], into: &out)
            p.feed(stream[cut...], into: &out)
            #expect(out == [.report(.ld2410(Self.engineering)), .report(.ld2410(Self.basic))], "cut at \(cut)")
            #expect(p.badFrames == 0)
        }
    }

    @Test func resynchronisesAfterGarbageAndCountsBadFrames() {
        var corrupted = LD2410Encoder.report(Self.engineering)
        corrupted[20] ^= 0xFF // an energy byte beyond 100 or a broken marker: must be rejected
        corrupted[corrupted.count - 1] = 0x00 // and a broken footer
        let garbage: [UInt8] = [0x00, 0xF4, 0xF3, 0x12, 0xFD, 0xFC, 0xFB, 0xFA, 0xFF, 0xFF]
        let stream = garbage + corrupted + LD2410Encoder.report(Self.basic) + garbage + LD2410Encoder.report(Self.engineering)
        var p = LD2410Parser()
        var out: [RadarMessage] = []
        for byte in stream { p.feed([byte], into: &out) }
        #expect(out == [.report(.ld2410(Self.basic)), .report(.ld2410(Self.engineering))])
        #expect(p.badFrames >= 3)
        #expect(p.goodFrames == 2)
    }

    @Test func decodesCommandAcknowledgements() {
        var p = LD2410Parser()
        var out: [RadarMessage] = []
        p.feed(LD2410Encoder.ack(for: .engineeringModeOn), into: &out)
        #expect(out == [.ack(command: 0x0162, status: 0, payload: [])])
        #expect(LD2410Encoder.command(.enableConfiguration) == [0xFD, 0xFC, 0xFB, 0xFA, 0x04, 0x00, 0xFF, 0x00, 0x01, 0x00, 0x04, 0x03, 0x02, 0x01])
    }

    @Test func neverTrapsOnRandomBytes() {
        var rng = SplitMix64(seed: 7)
        var p = LD2410Parser()
        var out: [RadarMessage] = []
        for _ in 0..<2000 {
            let n = Int(rng.next() % 64)
            var chunk = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Sprinkle headers so the frame paths are exercised, not just the search.
            if n > 8, rng.next() % 2 == 0 { chunk.replaceSubrange(0..<4, with: [0xF4, 0xF3, 0xF2, 0xF1]) }
            p.feed(chunk, into: &out)
        }
        #expect(p.skippedBytes > 0)
    }
}
