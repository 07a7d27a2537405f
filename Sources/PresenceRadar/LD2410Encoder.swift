import PresenceCore

/// Builds LD2410 byte frames: the command frames the daemon sends, and report
/// frames as the sensor sends them (for the simulator and the test double).
public enum LD2410Encoder {
    public enum Command: UInt16, Sendable {
        case enableConfiguration = 0x00FF
        case endConfiguration = 0x00FE
        case engineeringModeOn = 0x0062
        case engineeringModeOff = 0x0063
    }

    /// `FD FC FB FA`, length, command word, value, `04 03 02 01`.
    public static func command(_ c: Command) -> [UInt8] {
        // Enabling configuration carries the protocol value 0x0001.
        let value: [UInt8] = c == .enableConfiguration ? [0x01, 0x00] : []
        return frame(header: LD2410Parser.ackHeader, footer: LD2410Parser.ackFooter,
                     payload: le16(c.rawValue) + value)
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
}
