import PresenceCore

/// Streaming parser for LD2450 report frames: `AA FF 03 00`, three 8-byte
/// targets, `55 CC` (30 bytes, 10 Hz). Resynchronises on garbage like LD2410Parser.
public struct LD2450Parser: Sendable {
    public private(set) var goodFrames = 0
    public private(set) var badFrames = 0
    public private(set) var skippedBytes = 0

    private var buffer: [UInt8] = []
    static let frameLength = 30

    public init() {}

    public mutating func feed(_ bytes: some Collection<UInt8>, into out: inout [RadarMessage]) {
        buffer.append(contentsOf: bytes)
        var i = 0
        while i + 4 <= buffer.count {
            guard buffer[i] == 0xAA, buffer[i + 1] == 0xFF, buffer[i + 2] == 0x03, buffer[i + 3] == 0x00 else {
                i += 1
                skippedBytes += 1
                continue
            }
            guard i + Self.frameLength <= buffer.count else { break }
            if buffer[i + 28] == 0x55, buffer[i + 29] == 0xCC {
                let targets = LD2450Targets(Self.target(buffer, at: i + 4), Self.target(buffer, at: i + 12), Self.target(buffer, at: i + 20))
                out.append(.report(.ld2450(targets)))
                goodFrames += 1
                i += Self.frameLength
            } else {
                badFrames += 1
                i += 1
            }
        }
        // Keep an unfinished frame, or the last 3 bytes that may begin a header.
        let keepFrom = i + 4 <= buffer.count ? i : max(i, buffer.count - 3)
        skippedBytes += keepFrom - i
        buffer.removeFirst(keepFrom)
    }

    /// Coordinates use sign-magnitude with bit 15 set meaning positive (datasheet quirk).
    static func signMagnitude(_ raw: UInt16) -> Int16 {
        let magnitude = Int16(raw & 0x7FFF)
        return raw & 0x8000 != 0 ? magnitude : -magnitude
    }

    static func target(_ b: [UInt8], at o: Int) -> LD2450Target {
        func u16(_ i: Int) -> UInt16 { UInt16(b[o + i]) | UInt16(b[o + i + 1]) << 8 }
        return LD2450Target(xMm: signMagnitude(u16(0)), yMm: signMagnitude(u16(2)),
                            speedCmS: signMagnitude(u16(4)), resolutionMm: u16(6))
    }

    /// Encodes targets as the sensor does (simulator, test doubles).
    public static func encode(_ targets: [LD2450Target]) -> [UInt8] {
        precondition(targets.count == 3, "LD2450 frames carry exactly three target slots")
        func sm(_ v: Int16) -> [UInt8] {
            let raw = v >= 0 ? UInt16(v) | 0x8000 : UInt16(-Int32(v))
            return [UInt8(raw & 0xFF), UInt8(raw >> 8)]
        }
        var f: [UInt8] = [0xAA, 0xFF, 0x03, 0x00]
        for t in targets {
            f += sm(t.xMm) + sm(t.yMm) + sm(t.speedCmS) + [UInt8(t.resolutionMm & 0xFF), UInt8(t.resolutionMm >> 8)]
        }
        return f + [0x55, 0xCC]
    }
}
