import Foundation
import PresenceTestSupport
import Testing
@testable import PresenceService

/// `presenced watch` against a real daemon, through a restart of the daemon.
@Suite(.serialized) struct WatchCommandTests {
    final class Watcher {
        let process = Process()
        let output: URL

        init(socket: String, mode: String, in dir: URL) throws {
            output = dir.appendingPathComponent("watch-\(mode).out")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: TestSupport.binary)
            process.arguments = ["watch", "--socket", socket, "--\(mode)"]
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

        func wait(timeout: TimeInterval = 30, until done: (String) -> Bool) -> Bool {
            TestSupport.eventually(timeout: timeout) { done(text) }
        }

        func count(_ s: String) -> Int { text.components(separatedBy: s).count - 1 }
    }

    @Test func watchFollowsTheDaemonAcrossARestart() throws {
        let daemon = try DaemonTests.RunningDaemon()
        _ = try daemon.connect()
        let lines = try Watcher(socket: daemon.socketPath, mode: "lines", in: daemon.dir)
        let screen = try Watcher(socket: daemon.socketPath, mode: "screen", in: daemon.dir)
        #expect(lines.wait { $0.contains("room OCCUPIED") }, "\(lines.text)")
        #expect(screen.wait { $0.contains("OCCUPIED") && $0.contains("sensors     audio ") }, "\(screen.text)")

        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(lines.wait { $0.contains("connection closed; reconnecting …") }, "\(lines.text)")
        #expect(screen.wait { $0.contains("waiting for presenced") && $0.contains("(reconnecting)") }, "\(screen.text)")

        let again = Process()
        again.executableURL = URL(fileURLWithPath: TestSupport.binary)
        again.arguments = ["run", "--config", daemon.configPath]
        again.standardOutput = FileHandle.nullDevice
        again.standardError = FileHandle.nullDevice
        try again.run()
        defer { if again.isRunning { kill(again.processIdentifier, SIGKILL) } }
        #expect(lines.wait { _ in lines.count("connected to presenced") == 2 }, "\(lines.text)")
        #expect(screen.wait { _ in screen.text.split(separator: "connected to presenced").last?.contains("OCCUPIED") == true }, "\(screen.text)")

        // Ctrl-C gives the terminal back: the cursor is shown again.
        kill(screen.process.processIdentifier, SIGINT)
        screen.process.waitUntilExit()
        #expect(screen.text.hasSuffix("\u{1B}[?25h\n"))
        #expect(screen.process.terminationStatus == 0)
    }
}
