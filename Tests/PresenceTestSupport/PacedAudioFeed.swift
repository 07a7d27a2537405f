import Foundation

/// A microphone for the daemon under test: ALSA's file plugin (RECIPES.md)
/// reading a named pipe that this feed writes at real-time pace, 20 ms at a
/// time, so that capture runs through the real ALSA path at the speed of a
/// real device. Plays `signal` first, then silence until `stop()`.
public final class PacedAudioFeed: @unchecked Sendable {
    /// The ALSA PCM name to configure (`[audio] device`).
    public let device: String
    /// ALSA_CONFIG_PATH for the process that opens it.
    public let alsaConfigPath: String
    private let fifo: String
    private let signal: [Int16]
    private let lock = NSLock()
    private var stopping = false
    private var thread: Thread?

    public init(device: String = "presenced_feed", signal: [Int16] = [], in dir: URL) throws {
        self.device = device
        self.signal = signal
        fifo = dir.appendingPathComponent("\(device).fifo").path
        guard mkfifo(fifo, 0o600) == 0 else { throw TestFailure("mkfifo: \(String(cString: strerror(errno)))") }
        alsaConfigPath = try ALSAFilePlugin.config(device: device, input: fifo, in: dir)
        // A reader that closes its end first must make our write fail (EPIPE), not kill the test process.
        Glibc.signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [self] in run() }
        thread.name = "paced-audio"
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        lock.withLock { stopping = true }
        // A writer still waiting for a reader to open the pipe is let through by a reader of our own.
        let unblock = open(fifo, O_RDONLY | O_NONBLOCK)
        while thread?.isFinished == false { usleep(1000) }
        if unblock >= 0 { close(unblock) }
    }

    private var shouldStop: Bool { lock.withLock { stopping } }

    private func run() {
        // Blocks until the daemon opens the PCM (the plugin opens the pipe for reading), or `stop()` does.
        let fd = open(fifo, O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let piece = 320  // 20 ms at 16 kHz
        var k = 0
        var due = Date()
        let silence = [Int16](repeating: 0, count: piece)
        while !shouldStop {
            let chunk = k < signal.count ? Array(signal[k..<min(k + piece, signal.count)]) : silence
            k += piece
            guard chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 else { return }
            due += 0.02
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(useconds_t(wait * 1e6)) }
        }
    }
}
