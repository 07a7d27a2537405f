import PresenceCore

/// Anything the radar parsers can emit from a byte stream.
public enum RadarMessage: Sendable, Equatable {
    case report(RadarReport)
    /// A command acknowledgement (`FD FC FB FA` frame): command word with bit 8 set, status and payload.
    case ack(command: UInt16, status: UInt16, payload: [UInt8])
}
