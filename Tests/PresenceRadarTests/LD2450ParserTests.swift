import Testing
@testable import PresenceRadar
import PresenceCore

@Suite struct LD2450ParserTests {
    @Test func signMagnitudeCoordinates() {
        // Datasheet example: 0x0E 0x03 → x = -782 mm (bit 15 clear means negative).
        #expect(LD2450Parser.signMagnitude(0x030E) == -782)
        #expect(LD2450Parser.signMagnitude(0x8000 | 1606) == 1606)
    }

    @Test func roundTripWithGarbageAndSplits() {
        let targets = [LD2450Target(xMm: -782, yMm: 1606, speedCmS: -16, resolutionMm: 360),
                       LD2450Target(xMm: 0, yMm: 0, speedCmS: 0, resolutionMm: 0),
                       LD2450Target(xMm: 300, yMm: 2500, speedCmS: 20, resolutionMm: 320)]
        let frame = LD2450Parser.encode(targets)
        #expect(frame.count == 30)
        var broken = frame
        broken[29] = 0
        let stream: [UInt8] = [1, 2, 0xAA, 0xFF] + broken + frame + [0xAA] + frame
        var p = LD2450Parser()
        var out: [RadarMessage] = []
        var i = 0
        while i < stream.count {
            let n = min(7, stream.count - i)
            p.feed(stream[i..<(i + n)], into: &out)
            i += n
        }
        #expect(out == [.report(.ld2450(LD2450Targets(targets))), .report(.ld2450(LD2450Targets(targets)))])
        #expect(p.badFrames >= 1)
        #expect(targets.filter(\.isPresent).count == 2)
    }
}
