import PresenceCore

/// Streaming parser for LD2410 UART output: report frames (`F4 F3 F2 F1 … F8 F7 F6 F5`)
/// and command acknowledgements (`FD FC FB FA … 04 03 02 01`). Bytes arrive in
/// arbitrary pieces; garbage between or inside frames is skipped by searching for
/// the next header, and every frame that fails a check is counted, never trusted.
public struct LD2410Parser: Sendable {
    public private(set) var goodFrames = 0
    public private(set) var badFrames = 0
    /// Bytes skipped while hunting for a header (line noise, partial frames).
    public private(set) var skippedBytes = 0

    private var buffer: [UInt8] = []
    private var start = 0

    static let reportHeader: [UInt8] = [0xF4, 0xF3, 0xF2, 0xF1]
    static let reportFooter: [UInt8] = [0xF8, 0xF7, 0xF6, 0xF5]
    static let ackHeader: [UInt8] = [0xFD, 0xFC, 0xFB, 0xFA]
    static let ackFooter: [UInt8] = [0x04, 0x03, 0x02, 0x01]
    /// The longest legal payload: engineering mode with 9 gates is 35 bytes; acks are shorter.
    static let maxPayload = 64

    public init() {
        buffer.reserveCapacity(256)
    }

    /// Feeds bytes and appends every complete, valid message to `out`.
    public mutating func feed(_ bytes: some Collection<UInt8>, into out: inout [RadarMessage]) {
        buffer.append(contentsOf: bytes)
        while let message = nextMessage() {
            if let message { out.append(message) }
        }
        compact()
    }

    /// Returns nil when more bytes are needed; `.some(nil)` when a frame was consumed but rejected.
    private mutating func nextMessage() -> RadarMessage?? {
        guard let h = findHeader() else { return nil }
        let isReport = buffer[h] == 0xF4
        // header (4) + length (2)
        guard buffer.count - h >= 6 else { return nil }
        let length = Int(buffer[h + 4]) | Int(buffer[h + 5]) << 8
        guard length <= Self.maxPayload else { return reject(at: h) }
        let total = 6 + length + 4
        guard buffer.count - h >= total else { return nil }
        let payload = buffer[(h + 6)..<(h + 6 + length)]
        let footer = isReport ? Self.reportFooter : Self.ackFooter
        guard buffer[(h + 6 + length)..<(h + total)].elementsEqual(footer) else { return reject(at: h) }
        let decoded = isReport ? Self.decodeReport(payload) : Self.decodeAck(payload)
        guard let decoded else { return reject(at: h) }
        start = h + total
        goodFrames += 1
        return .some(decoded)
    }

    /// Drops the false header's first byte so the search resumes just after it.
    private mutating func reject(at h: Int) -> RadarMessage?? {
        badFrames += 1
        start = h + 1
        return .some(nil)
    }

    private mutating func findHeader() -> Int? {
        var i = start
        while i + 4 <= buffer.count {
            let b = buffer[i]
            if (b == 0xF4 && buffer[i + 1] == 0xF3 && buffer[i + 2] == 0xF2 && buffer[i + 3] == 0xF1)
                || (b == 0xFD && buffer[i + 1] == 0xFC && buffer[i + 2] == 0xFB && buffer[i + 3] == 0xFA) {
                skippedBytes += i - start
                start = i
                return i
            }
            i += 1
        }
        // Keep the last 3 bytes: they may be the start of a header split across reads.
        let keep = max(start, buffer.count - 3)
        skippedBytes += keep - start
        start = keep
        return nil
    }

    private mutating func compact() {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    static func decodeReport(_ p: ArraySlice<UInt8>) -> RadarMessage? {
        // Indexed from 0 without copying the parser's buffer slice.
        p.withUnsafeBufferPointer { decodeReport($0) }
    }

    private static func decodeReport(_ b: UnsafeBufferPointer<UInt8>) -> RadarMessage? {
        // type, 0xAA, state, mdist(2), menergy, sdist(2), senergy, ddist(2) = 11; then 0x55 0x00
        guard b.count >= 13, b[1] == 0xAA, b[b.count - 2] == 0x55 else { return nil }
        let type = b[0]
        func u16(_ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
        var r = LD2410Report(targetState: b[2], movingDistanceCm: u16(3), movingEnergy: b[5],
                             stillDistanceCm: u16(6), stillEnergy: b[8], detectionDistanceCm: u16(9))
        guard r.targetState <= 3, r.movingEnergy <= 100, r.stillEnergy <= 100 else { return nil }
        switch type {
        case 0x02:
            guard b.count == 13 else { return nil }
        case 0x01:
            guard b.count >= 13 + 2 else { return nil }
            let maxMoving = Int(b[11]), maxStill = Int(b[12])
            // gates + light level + out pin + 0x55 0x00
            guard maxMoving <= 8, maxStill <= 8, b.count == 13 + (maxMoving + 1) + (maxStill + 1) + 2 + 2 else { return nil }
            let m0 = 13, s0 = m0 + maxMoving + 1, tail = s0 + maxStill + 1
            r.movingGateEnergies = GateEnergies(b[m0..<s0])
            r.stillGateEnergies = GateEnergies(b[s0..<tail])
            guard r.movingGateEnergies.allSatisfy({ $0 <= 100 }), r.stillGateEnergies.allSatisfy({ $0 <= 100 }) else { return nil }
            r.lightLevel = b[tail]
            r.outPin = b[tail + 1]
        default:
            return nil
        }
        return .report(.ld2410(r))
    }

    static func decodeAck(_ p: ArraySlice<UInt8>) -> RadarMessage? {
        let b = Array(p)
        guard b.count >= 4 else { return nil }
        let command = UInt16(b[0]) | UInt16(b[1]) << 8
        let status = UInt16(b[2]) | UInt16(b[3]) << 8
        return .ack(command: command, status: status, payload: Array(b[4...]))
    }
}
