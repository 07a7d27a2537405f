import NIOCore

/// The MQTT 3.1.1 control packets presenced sends and receives (OASIS MQTT 3.1.1, §2-3). Only what a
/// publisher with one subscription needs: it never receives QoS 2 and never subscribes with it.
package enum MQTTPacket: Equatable, Sendable {
    package struct Will: Equatable, Sendable {
        var topic: String
        var payload: String
        var retain: Bool
    }

    package struct Connect: Equatable, Sendable {
        var clientID: String
        /// Seconds; the broker drops a client silent for 1.5 times this.
        var keepAlive: UInt16
        var will: Will?
        var username: String?
        var password: String?
    }

    package struct Publish: Equatable, Sendable {
        var topic: String
        var payload: ByteBuffer
        var qos: UInt8 = 0
        var retain = false
        /// Only with qos 1.
        var packetID: UInt16 = 0
    }

    case connect(Connect)
    /// `returnCode` 0 is accepted; 1-5 are the refusals of §3.2.2.3.
    case connack(sessionPresent: Bool, returnCode: UInt8)
    case publish(Publish)
    case puback(packetID: UInt16)
    /// Every filter at the same maximum QoS.
    case subscribe(packetID: UInt16, filters: [String], qos: UInt8)
    case suback(packetID: UInt16, returnCodes: [UInt8])
    case pingreq
    case pingresp
    case disconnect

    /// What a CONNACK refusal means, for the log (§3.2.2.3).
    static func refusal(_ code: UInt8) -> String {
        switch code {
        case 1: "the broker does not speak MQTT 3.1.1"
        case 2: "the client id was rejected"
        case 3: "the broker is unavailable"
        case 4: "bad user name or password"
        case 5: "not authorised"
        default: "refused with code \(code)"
        }
    }
}

/// A broker sent something that is not MQTT 3.1.1 as a client expects it; the connection is closed.
package struct MQTTProtocolError: Error, CustomStringConvertible {
    package var description: String
}

extension MQTTPacket {
    /// The longest packet accepted from a broker. presenced only receives acks and the short
    /// Home Assistant status message; anything longer is a broken or hostile peer.
    static let maxIncoming = 64 * 1024

    private var typeAndFlags: UInt8 {
        switch self {
        case .connect: 0x10
        case .connack: 0x20
        case .publish(let p): 0x30 | (p.qos << 1) | (p.retain ? 1 : 0)
        case .puback: 0x40
        case .subscribe: 0x82  // §3.8.1: the reserved flags are 0010
        case .suback: 0x90
        case .pingreq: 0xC0
        case .pingresp: 0xD0
        case .disconnect: 0xE0
        }
    }

    package func encode(into out: inout ByteBuffer) {
        var body = ByteBufferAllocator().buffer(capacity: 64)
        switch self {
        case .connect(let c):
            body.writeMQTTString("MQTT")
            body.writeInteger(UInt8(4))  // protocol level 3.1.1
            var flags: UInt8 = 0x02  // clean session: nothing to resume; state is re-published whole
            if let will = c.will { flags |= 0x04 | (will.retain ? 0x20 : 0) | (1 << 3) }  // will at QoS 1
            if c.password != nil { flags |= 0x40 }
            if c.username != nil { flags |= 0x80 }
            body.writeInteger(flags)
            body.writeInteger(c.keepAlive)
            body.writeMQTTString(c.clientID)
            if let will = c.will {
                body.writeMQTTString(will.topic)
                body.writeMQTTString(will.payload)
            }
            if let u = c.username { body.writeMQTTString(u) }
            if let p = c.password { body.writeMQTTString(p) }
        case .connack(let present, let code):
            body.writeInteger(UInt8(present ? 1 : 0))
            body.writeInteger(code)
        case .publish(let p):
            body.writeMQTTString(p.topic)
            if p.qos > 0 { body.writeInteger(p.packetID) }
            body.writeImmutableBuffer(p.payload)
        case .puback(let id):
            body.writeInteger(id)
        case .subscribe(let id, let filters, let qos):
            body.writeInteger(id)
            for filter in filters {
                body.writeMQTTString(filter)
                body.writeInteger(qos)
            }
        case .suback(let id, let codes):
            body.writeInteger(id)
            body.writeBytes(codes)
        case .pingreq, .pingresp, .disconnect:
            break
        }
        out.writeInteger(typeAndFlags)
        var n = body.readableBytes
        repeat {  // §2.2.3: 7 bits per byte, high bit = more follows
            var byte = UInt8(n & 0x7F)
            n >>= 7
            if n > 0 { byte |= 0x80 }
            out.writeInteger(byte)
        } while n > 0
        out.writeImmutableBuffer(body)
    }

    /// One packet from the front of `buffer`, or nil (buffer untouched) when it is not all there yet.
    package static func decode(from buffer: inout ByteBuffer) throws(MQTTProtocolError) -> MQTTPacket? {
        var peek = buffer
        guard let first: UInt8 = peek.readInteger() else { return nil }
        var length = 0, shift = 0
        while true {
            guard let byte: UInt8 = peek.readInteger() else { return nil }
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            if shift > 21 { throw MQTTProtocolError(description: "remaining length longer than 4 bytes") }
        }
        guard length <= maxIncoming else {
            throw MQTTProtocolError(description: "packet of \(length) bytes (at most \(maxIncoming) accepted)")
        }
        guard var body = peek.readSlice(length: length) else { return nil }
        buffer = peek
        let packet = try parse(type: first >> 4, flags: first & 0x0F, body: &body)
        guard body.readableBytes == 0 else {
            throw MQTTProtocolError(description: "\(body.readableBytes) bytes left over in a packet of type \(first >> 4)")
        }
        return packet
    }

    private static func parse(type: UInt8, flags: UInt8, body: inout ByteBuffer) throws(MQTTProtocolError) -> MQTTPacket {
        func u8() throws(MQTTProtocolError) -> UInt8 {
            guard let v: UInt8 = body.readInteger() else { throw MQTTProtocolError(description: "packet type \(type) cut short") }
            return v
        }
        func u16() throws(MQTTProtocolError) -> UInt16 {
            guard let v: UInt16 = body.readInteger() else { throw MQTTProtocolError(description: "packet type \(type) cut short") }
            return v
        }
        func string() throws(MQTTProtocolError) -> String {
            let n = try u16()
            guard let bytes = body.readBytes(length: Int(n)) else { throw MQTTProtocolError(description: "string runs past its packet") }
            guard let s = String(validating: bytes, as: UTF8.self) else { throw MQTTProtocolError(description: "string is not UTF-8") }
            return s
        }
        switch type {
        case 2:
            let present = try u8(), code = try u8()
            return .connack(sessionPresent: present & 1 == 1, returnCode: code)
        case 3:
            let qos = (flags >> 1) & 3
            guard qos < 3 else { throw MQTTProtocolError(description: "PUBLISH with QoS 3") }
            var p = Publish(topic: try string(), payload: ByteBuffer(), qos: qos, retain: flags & 1 == 1)
            if qos > 0 { p.packetID = try u16() }
            p.payload = body.readSlice(length: body.readableBytes)!
            return .publish(p)
        case 4:
            return .puback(packetID: try u16())
        case 9:
            let id = try u16()
            return .suback(packetID: id, returnCodes: body.readBytes(length: body.readableBytes) ?? [])
        case 13:
            return .pingresp
        default:
            throw MQTTProtocolError(description: "unexpected packet type \(type) from the broker")
        }
    }
}

extension ByteBuffer {
    /// §1.5.3: a big-endian UInt16 length, then the UTF-8 bytes.
    mutating func writeMQTTString(_ s: String) {
        writeInteger(UInt16(s.utf8.count))
        writeString(s)
    }
}

/// Splits the broker's byte stream into packets (NIO's cumulation buffer holds partial ones).
struct MQTTPacketDecoder: ByteToMessageDecoder {
    typealias InboundOut = MQTTPacket

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try MQTTPacket.decode(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(packet))
        return .continue
    }
}
