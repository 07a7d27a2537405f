import NIOCore
import PresenceRadar
import PresenceRecording
import PresenceService

/// The functions libFuzzer drives, by name. Each must return normally for any input: bad input is a
/// thrown error or a rejected frame, never a trap. Where a property can be checked (a parser fed in
/// pieces says what it says fed at once; a decoded packet encodes back to itself), a broken property
/// traps, so libFuzzer reports it like a crash.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "mcap-reader": readRecording,
        "ld2410": { radarInPieces($0, LD2410Parser()) { p, bytes, out in p.feed(bytes, into: &out) } },
        "ld2450": { radarInPieces($0, LD2450Parser()) { p, bytes, out in p.feed(bytes, into: &out) } },
        "config": loadConfig,
        "client-input": clientInput,
        "mqtt-decoder": decodeMQTT,
    ]

    /// Reads every message of a recording held in memory, strictly and then leniently.
    static func readRecording(_ data: [UInt8]) {
        for lenient in [false, true] {
            guard let reader = try? RecordingReader(bytes: data, lenient: lenient) else { continue }
            _ = reader.topics
            _ = reader.metadata
            while (try? reader.next()) != nil {}
            _ = reader.skippedDamage
        }
    }

    /// UART bytes arrive in any pieces: the first byte of the input picks the piece length (1-16);
    /// the messages must be the same as with all the bytes at once.
    static func radarInPieces<P>(_ data: [UInt8], _ fresh: P, feed: (inout P, ArraySlice<UInt8>, inout [RadarMessage]) -> Void) {
        guard let first = data.first else { return }
        let bytes = data.dropFirst()
        var whole = fresh, wholeOut: [RadarMessage] = []
        feed(&whole, bytes, &wholeOut)
        var pieces = fresh, piecesOut: [RadarMessage] = []
        let step = Int(first % 16) + 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let end = min(i + step, bytes.endIndex)
            feed(&pieces, bytes[i..<end], &piecesOut)
            i = end
        }
        precondition(wholeOut == piecesOut, "pieces of \(step) bytes parsed differently")
    }

    /// Any text as a configuration file: a ConfigError or a configuration, nothing else.
    static func loadConfig(_ data: [UInt8]) {
        _ = try? ConfigLoader.parse(String(decoding: data, as: UTF8.self), path: "/nonexistent/fuzz.toml")
    }

    /// A client's reads, each with its arrival time: bytes 0-1 of every record give the read's length
    /// (up to 8 kB), byte 2 the milliseconds since the last. Checked against a byte-at-a-time twin of
    /// the bounds (longest line, token bucket).
    static func clientInput(_ data: [UInt8]) {
        var bounds = ClientInputBounds(now: 0)
        var now: Int64 = 0
        var line = 0
        var tokens = Double(ClientInputBounds.burst)
        var i = 0
        while i + 3 <= data.count {
            let length = (Int(data[i]) | Int(data[i + 1]) << 8) & 0x1FFF
            let elapsed = Int64(data[i + 2]) * 1_000_000
            i += 3
            let read = data[i..<min(i + length, data.count)]
            i += read.count
            now += elapsed
            tokens = min(Double(ClientInputBounds.burst), tokens + Double(elapsed) / 1e9 * Double(ClientInputBounds.bytesPerSecond))
            for byte in read { line = byte == UInt8(ascii: "\n") ? 0 : line + 1 }
            tokens -= Double(read.count)
            // The line bound is on what is pending after the read (a long line that ended within one
            // read is the token bucket's to stop).
            let accepted = bounds.accept(read, now: now)
            precondition(accepted == (line <= ClientInputBounds.maxLineLength && tokens >= 0),
                         "accepted \(accepted) with a pending line of \(line) and \(tokens) tokens")
            if !accepted { return }  // the client is closed
        }
    }

    /// Any bytes from a broker: packets or a protocol error. Every packet decoded encodes back to
    /// bytes that decode to the same packet.
    static func decodeMQTT(_ data: [UInt8]) {
        var buffer = ByteBuffer(bytes: data)
        while true {
            guard let packet = try? MQTTPacket.decode(from: &buffer) else { return }
            var encoded = ByteBuffer()
            packet.encode(into: &encoded)
            let again = try? MQTTPacket.decode(from: &encoded)
            precondition(again == packet && encoded.readableBytes == 0, "\(packet) did not survive encoding")
        }
    }
}
