import Foundation
import Glibc
import PresenceCore

/// `presenced watch`: follows the event socket, reconnecting every second while the daemon is away
/// (a restart, an upgrade). On a terminal it keeps a live screen (`WatchScreen`); into a pipe or a file
/// it prints one sentence per event.
public enum WatchClient {
    public enum Mode: Sendable {
        case lines
        case screen(color: Bool)
    }

    public static func run(socketPath: String, mode: Mode, output: (String) -> Void, shouldStop: () -> Bool = { false }) {
        switch mode {
        case .lines: runLines(socketPath: socketPath, output: output, shouldStop: shouldStop)
        case .screen(let color): runScreen(socketPath: socketPath, color: color, output: output, shouldStop: shouldStop)
        }
    }

    private static func runLines(socketPath: String, output: (String) -> Void, shouldStop: () -> Bool) {
        var announcedWaiting = false
        while !shouldStop() {
            guard let fd = connect(to: socketPath) else {
                if !announcedWaiting { output("waiting for presenced at \(socketPath) …") }
                announcedWaiting = true
                pause(shouldStop)
                continue
            }
            announcedWaiting = false
            follow(fd: fd, shouldStop: shouldStop, onIdle: {}) { line in
                if let text = WatchFormatter.describe(line: line) { output(text) }
            }
            close(fd)
            if !shouldStop() { output("connection closed; reconnecting …") }
        }
    }

    /// Each frame is drawn over the last (cursor home, each line cleared to its end, the rest cleared).
    private static func runScreen(socketPath: String, color: Bool, output: (String) -> Void, shouldStop: () -> Bool) {
        var screen = WatchScreen(socketPath: socketPath)
        func draw(_ screen: WatchScreen) {
            output("\u{1B}[H" + screen.render(color: color).map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\u{1B}[J")
        }
        output("\u{1B}[?25l\u{1B}[2J")  // hide the cursor, clear once
        defer { output("\u{1B}[?25h\n") }
        while !shouldStop() {
            guard let fd = connect(to: socketPath) else {
                draw(screen)
                pause(shouldStop)
                continue
            }
            screen.connectionChanged(true)
            draw(screen)
            follow(fd: fd, shouldStop: shouldStop, onIdle: { draw(screen) }) { line in
                screen.apply(line: line)
                draw(screen)
            }
            close(fd)
            if !shouldStop() {
                screen.connectionChanged(false)
                draw(screen)
            }
        }
    }

    /// One second, in steps that notice `shouldStop`.
    private static func pause(_ shouldStop: () -> Bool) {
        for _ in 0..<10 where !shouldStop() { usleep(100_000) }
    }

    static func connect(to path: String) -> Int32? {
        let fd = socket(AF_UNIX, Int32(Glibc.SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            return nil
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if ok != 0 {
            close(fd)
            return nil
        }
        return fd
    }

    /// Reads lines until the daemon closes the connection or `shouldStop`; `onIdle` runs after each
    /// second without data (the screen's clock moves on).
    static func follow(fd: Int32, shouldStop: () -> Bool, onIdle: () -> Void, _ handle: (String) -> Void) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !shouldStop() {
            let ready = poll(&pfd, 1, 1000)
            if ready < 0, errno != EINTR { return }
            if ready == 0 { onIdle() }
            if ready <= 0 { continue }  // a timeout, or a signal (Ctrl-C): look at shouldStop again
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            pending += chunk[0..<n]
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                handle(String(decoding: pending[..<nl], as: UTF8.self))
                pending.removeSubrange(...nl)
            }
        }
    }
}
