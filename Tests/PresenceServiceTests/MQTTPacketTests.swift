import NIOCore
import PresenceCore
import Testing
@testable import PresenceService

/// The MQTT 3.1.1 wire format, byte for byte against the standard (OASIS MQTT 3.1.1 §2-3).
@Suite struct MQTTPacketTests {
    func bytes(_ packet: MQTTPacket) -> [UInt8] {
        var b = ByteBuffer()
        packet.encode(into: &b)
        return Array(b.readableBytesView)
    }

    @Test func connectHasTheProtocolNameLevelFlagsAndKeepAlive() {
        let plain = MQTTPacket.connect(.init(clientID: "a", keepAlive: 60))
        #expect(bytes(plain) == [0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 0x61])

        let full = MQTTPacket.connect(.init(clientID: "a", keepAlive: 60, will: .init(topic: "w", payload: "x", retain: true),
                                            username: "u", password: "p"))
        // Flags: user name, password, will retain, will QoS 1, will, clean session.
        #expect(bytes(full) == [0x10, 0x19, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0xEE, 0x00, 0x3C,
                                0x00, 0x01, 0x61, 0x00, 0x01, 0x77, 0x00, 0x01, 0x78, 0x00, 0x01, 0x75, 0x00, 0x01, 0x70])
    }

    @Test func publishSubscribeAndTheShortPackets() {
        let p = MQTTPacket.publish(.init(topic: "a/b", payload: ByteBuffer(string: "hi"), qos: 1, retain: true, packetID: 10))
        #expect(bytes(p) == [0x33, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69])
        let q0 = MQTTPacket.publish(.init(topic: "t", payload: ByteBuffer(string: "x")))
        #expect(bytes(q0) == [0x30, 0x04, 0x00, 0x01, 0x74, 0x78])
        #expect(bytes(.subscribe(packetID: 1, filters: ["s"], qos: 0)) == [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x73, 0x00])
        #expect(bytes(.pingreq) == [0xC0, 0x00])
        #expect(bytes(.disconnect) == [0xE0, 0x00])
        #expect(bytes(.puback(packetID: 0x1234)) == [0x40, 0x02, 0x12, 0x34])
    }

    /// §2.2.3's table: the boundaries of one, two and three length bytes.
    @Test(arguments: [(127, [0x7F]), (128, [0x80, 0x01]), (16383, [0xFF, 0x7F]), (16384, [0x80, 0x80, 0x01])] as [(Int, [UInt8])])
    func remainingLengthUsesSevenBitsPerByte(length: Int, encoded: [UInt8]) throws {
        // A QoS 0 PUBLISH to topic "t" has 3 bytes before its payload.
        let p = MQTTPacket.publish(.init(topic: "t", payload: ByteBuffer(repeating: 0x41, count: length - 3)))
        let b = bytes(p)
        #expect(Array(b[1...encoded.count]) == encoded)
        #expect(b.count == 1 + encoded.count + length)
        var buffer = ByteBuffer(bytes: b)
        #expect(try MQTTPacket.decode(from: &buffer) == p)
        #expect(buffer.readableBytes == 0)
    }

    @Test func aPacketSplitAnywhereDecodesOnlyWhenWhole() throws {
        let p = MQTTPacket.publish(.init(topic: "homeassistant/status", payload: ByteBuffer(string: "online"), qos: 1, packetID: 7))
        let all = bytes(p) + [0x20, 0x02, 0x00, 0x00, 0xD0, 0x00]  // then CONNACK accepted, PINGRESP
        var buffer = ByteBuffer()
        var decoded: [MQTTPacket] = []
        for byte in all {
            buffer.writeInteger(byte)
            while let packet = try MQTTPacket.decode(from: &buffer) { decoded.append(packet) }
        }
        #expect(decoded == [p, .connack(sessionPresent: false, returnCode: 0), .pingresp])
    }

    @Test(arguments: [
        ([0x20, 0x01, 0x00], "cut short"),  // CONNACK of one byte
        ([0x20, 0x03, 0x00, 0x00, 0x00], "left over"),
        ([0x10, 0x00], "unexpected packet type 1"),  // CONNECT: only clients send it
        ([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "longer than 4 bytes"),
        ([0x30, 0x80, 0x80, 0x80, 0x01], "at most 65536"),  // 2 MB announced: refused before it is read
        ([0x36, 0x03, 0x00, 0x01, 0x74], "QoS 3"),
        ([0x30, 0x03, 0x00, 0x05, 0x74], "past its packet"),
        ([0x30, 0x03, 0x00, 0x01, 0xFF], "not UTF-8"),
    ] as [([UInt8], String)])
    func brokenInputIsAProtocolErrorNeverACrash(input: [UInt8], reason: String) {
        var buffer = ByteBuffer(bytes: input)
        #expect {
            _ = try MQTTPacket.decode(from: &buffer)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    /// Home Assistant's attributes carry the head count where the radar can count, and leave it out elsewhere.
    @Test func theAttributesCarryTheCountWhereThereIsOne() {
        let state = OccupancyState(occupied: true, confidence: 0.9, since: 1_795_413_600_000_000_000, sensors: [.radar: .ok])
        let counted = HomeAssistantTopics.attributes(of: state, sources: [.radar: 0.9], count: 2)
        #expect(counted.contains(#""sources":{"radar":0.9},"count":2,"sensors""#), "\(counted)")
        #expect(!HomeAssistantTopics.attributes(of: state, sources: [.radar: 0.9]).contains("count"))
    }
}
