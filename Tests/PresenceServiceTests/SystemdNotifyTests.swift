import Foundation
import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceService

/// sd_notify as systemd would receive it (RECIPES.md: a datagram socket and NOTIFY_SOCKET, no container):
/// READY with a status, watchdog pings only while the pipeline moves, RELOADING … READY around a SIGHUP,
/// STOPPING on SIGTERM.
@Suite(.serialized) struct SystemdNotifyTests {
    @Test func statusNamesTheRoomTroubledSensorsAndTheSource() {
        let state = OccupancyState(occupied: true, sensors: [.radar: .lost, .camera: .ok, .audio: .degraded])
        #expect(PipelineService.statusText(state, source: "live: camera /dev/video0") == "occupied; audio degraded; radar lost; live: camera /dev/video0")
        #expect(PipelineService.statusText(OccupancyState(), source: "replaying a.mcap") == "vacant; replaying a.mcap")
    }

    @Test func readyWatchdogReloadAndStopping() throws {
        let dir = try TestSupport.temporaryDirectory()
        let notify = try DatagramSink(path: dir.appendingPathComponent("notify.sock").path)
        // A 2 s watchdog: a ping every second while the pipeline ticks.
        let daemon = try DaemonTests.RunningDaemon(environment: [
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000", DebugHooks.stallVariable: "1",
        ])
        #expect(notify.wait { $0.contains { $0.hasPrefix("READY=1\nSTATUS=vacant; replaying ") } }, "\(notify.messages)")
        #expect(notify.wait { $0.filter { $0 == "WATCHDOG=1" }.count >= 2 }, "\(notify.messages)")

        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(notify.wait { messages in
            guard let r = messages.firstIndex(where: { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }) else { return false }
            return messages[r...].contains { $0.hasPrefix("READY=1") }
        }, "\(notify.messages)")

        // Stalled: the pings stop once the pipeline has not ticked for 5 s, and the status says why.
        kill(daemon.process.processIdentifier, SIGUSR2)
        #expect(notify.wait { $0.contains { $0.hasPrefix("STATUS=pipeline stalled") } }, "\(notify.messages)")
        let stalledAt = Date()
        usleep(3_000_000)
        let pingsAfter = notify.messages.filter { $0.0 > stalledAt && $0.1 == "WATCHDOG=1" }
        #expect(pingsAfter.isEmpty, "pinged while stalled: \(pingsAfter.count)")
        #expect(daemon.waitForLog("not pinging the watchdog"))

        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(notify.messages.last?.1 == "STOPPING=1", "\(notify.messages.suffix(3))")
    }
}
