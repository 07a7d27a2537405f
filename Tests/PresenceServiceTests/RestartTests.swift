import Foundation
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The room survives a restart (issue 20): the daemon saves its state at stop and takes it up at start, so
/// neither a socket client nor Home Assistant (MQTT, retained) sees "vacant" in between; a state that is too
/// old, or damaged, means a vacant start and one log line.
@Suite(.serialized) struct RestartTests {
    /// The default test daemon replays a walk-through at 10x in a loop: someone is in the room from 1 s of wall
    /// time on, and each 3 s loop brings them back before the 30 s hold (3 s of wall time) runs out.
    @Test func anOccupiedRoomSurvivesARestartWithNoVacantInBetween() throws {
        let broker = try MQTTTests.RunningBroker()
        let occupancy = "presenced/den/occupancy"
        let sub = try MQTTTests.Subscription(port: broker.port, topics: [occupancy])
        let state = try TestSupport.temporaryDirectory("state").path
        let first = try DaemonTests.RunningDaemon(extra: MQTTTests.mqttSection(port: broker.port), stateDir: state)
        let before = try first.connect()
        #expect(sub.wait(timeout: 60) { _ in sub.payloads(occupancy).contains("ON") }, "\(sub.received)")
        #expect(TestSupport.eventually(timeout: 10) { FileManager.default.fileExists(atPath: state + "/room-state.json") })
        let (status, log) = MQTTTests.stop(first)
        #expect(status == 0, "\(log)")
        // The first client heard nothing but the room turning occupied.
        var heard: [[String: Any]] = []
        while let line = before.readLine() { heard.append(DaemonTests.json(line)) }
        let vacantBefore = heard.filter { $0["type"] as? String == "occupancy" && $0["occupied"] as? Bool == false }
        #expect(vacantBefore.isEmpty, "\(heard)")

        let second = try DaemonTests.RunningDaemon(extra: MQTTTests.mqttSection(port: broker.port), stateDir: state)
        let client = try second.connect()
        let hello = DaemonTests.json(try #require(client.readLine()))
        let helloState = try #require(hello["state"] as? [String: Any])
        #expect(helloState["occupied"] as? Bool == true, "the hello after the restart: \(hello)")
        #expect(second.waitForLog("room state taken up from before the restart"), "\(second.log)")
        // Two loops of the recording (6 s of wall time): the room stays occupied throughout.
        client.setReadTimeout(seconds: 1)
        let deadline = Date().addingTimeInterval(6)
        var events: [[String: Any]] = []
        while Date() < deadline, let line = client.readLine() {
            events.append(DaemonTests.json(line))
            if events.count > 50 { break }
        }
        #expect(!events.contains { $0["type"] as? String == "occupancy" && $0["occupied"] as? Bool == false }, "\(events)")
        // Home Assistant: OFF at the very first start (no saved state), then ON, and never OFF again.
        let payloads = sub.payloads(occupancy)
        #expect(payloads.first == "OFF" && !payloads.drop { $0 != "ON" }.contains("OFF"), "\(payloads)")
        #expect(try broker.retained(occupancy) == "ON")
        #expect(MQTTTests.stop(second).status == 0)
    }

    @Test func anOldOrDamagedStateMeansAVacantStartWithOneLogLine() throws {
        let state = try TestSupport.temporaryDirectory("state").path
        let fusion = "[fusion]\nrestore_within = \"1s\"\n"
        let first = try DaemonTests.RunningDaemon(extra: fusion, stateDir: state)
        let client = try first.connect()
        var occupied = false
        while !occupied, let line = client.readLine() {
            occupied = DaemonTests.json(line)["occupied"] as? Bool == true
        }
        #expect(occupied && MQTTTests.stop(first).status == 0)
        Thread.sleep(forTimeInterval: 1.5)
        let old = try DaemonTests.RunningDaemon(extra: fusion, stateDir: state)
        let hello = DaemonTests.json(try #require(try old.connect().readLine()))
        #expect((hello["state"] as? [String: Any])?["occupied"] as? Bool == false, "\(hello)")
        #expect(old.waitForLog("older than fusion.restore_within (1s): the room starts vacant"), "\(old.log)")
        #expect(MQTTTests.stop(old).status == 0)

        try "{\"format\":\"presenced-room-state\",\"version\":1,\"occupied\":tr".write(toFile: state + "/room-state.json", atomically: true, encoding: .utf8)
        let damaged = try DaemonTests.RunningDaemon(extra: fusion, stateDir: state)
        let again = DaemonTests.json(try #require(try damaged.connect().readLine()))
        #expect((again["state"] as? [String: Any])?["occupied"] as? Bool == false, "\(again)")
        #expect(damaged.waitForLog("damaged (not a room state that parses): the room starts vacant"), "\(damaged.log)")
        let (status, log) = MQTTTests.stop(damaged)
        #expect(status == 0 && log.components(separatedBy: "room-state.json").count == 2, "one line: \(log)")
    }
}
