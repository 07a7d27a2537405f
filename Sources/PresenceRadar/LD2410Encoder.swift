import PresenceCore

/// Builds LD2410 byte frames: the command frames the daemon sends, and report
/// frames as the sensor sends them (for the simulator and the test double).
public enum LD2410Encoder {
    public enum Command: UInt16, Sendable {
        case enableConfiguration = 0x00FF
        case endConfiguration = 0x00FE
        case engineeringModeOn = 0x0062
        case engineeringModeOff = 0x0063
        /// One gate's moving and still thresholds ("sensitivity" in the manual): gate, moving, still.
        case gateSensitivity = 0x0064
    }

    /// `FD FC FB FA`, length, command word, value, `04 03 02 01`. `value`: the command's parameters (enabling
    /// configuration carries the protocol value 0x0001 by default).
    public static func command(_ c: Command, value: [UInt8]? = nil) -> [UInt8] {
        let value = value ?? (c == .enableConfiguration ? [0x01, 0x00] : [])
        return frame(header: LD2410Parser.ackHeader, footer: LD2410Parser.ackFooter,
                     payload: le16(c.rawValue) + value)
    }

    /// The gate sensitivity command's value: parameter words 0x0000 (gate), 0x0001 (moving threshold) and
    /// 0x0002 (still threshold), each followed by its 32-bit little-endian value.
    public static func gateSensitivity(gate: Int, moving: UInt8, still: UInt8) -> [UInt8] {
        le16(0x0000) + le32(UInt32(gate)) + le16(0x0001) + le32(UInt32(moving)) + le16(0x0002) + le32(UInt32(still))
    }

    /// The (gate, moving, still) a gate sensitivity value sets, or nil when it is not one.
    public static func parseGateSensitivity(_ value: [UInt8]) -> (gate: Int, moving: UInt8, still: UInt8)? {
        guard value.count == 18 else { return nil }
        func word(_ i: Int) -> UInt16 { UInt16(value[i]) | UInt16(value[i + 1]) << 8 }
        func long(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(value[i + $1]) << (8 * $1) } }
        guard word(0) == 0, word(6) == 1, word(12) == 2, long(8) <= 100, long(14) <= 100 else { return nil }
        return (Int(long(2)), UInt8(long(8)), UInt8(long(14)))
    }

    /// The sensor's answer to a command: command | 0x0100, status (0 = success), extra payload.
    public static func ack(for c: Command, success: Bool = true, payload: [UInt8] = []) -> [UInt8] {
        frame(header: LD2410Parser.ackHeader, footer: LD2410Parser.ackFooter,
              payload: le16(c.rawValue | 0x0100) + le16(success ? 0 : 1) + payload)
    }

    public static func report(_ r: LD2410Report) -> [UInt8] {
        var p: [UInt8] = [r.isEngineering ? 0x01 : 0x02, 0xAA, r.targetState]
        p += le16(r.movingDistanceCm) + [r.movingEnergy]
        p += le16(r.stillDistanceCm) + [r.stillEnergy]
        p += le16(r.detectionDistanceCm)
        if r.isEngineering {
            p += [UInt8(r.movingGateEnergies.count - 1), UInt8(r.stillGateEnergies.count - 1)]
            p += Array(r.movingGateEnergies) + Array(r.stillGateEnergies) + [r.lightLevel, r.outPin]
        }
        p += [0x55, 0x00]
        return frame(header: LD2410Parser.reportHeader, footer: LD2410Parser.reportFooter, payload: p)
    }

    static func frame(header: [UInt8], footer: [UInt8], payload: [UInt8]) -> [UInt8] {
        header + le16(UInt16(payload.count)) + payload + footer
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
