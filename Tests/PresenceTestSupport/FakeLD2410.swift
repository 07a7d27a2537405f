import CShims
import Foundation
import PresenceCore
import PresenceRadar

/// An HLK-LD2410 played on the master side of a real pseudo-terminal: the code
/// under test opens `path` as its serial port. It answers the configuration
/// commands (or refuses engineering mode), streams report frames, and can split
/// frames across writes, insert garbage, send frames that fail their checks,
/// pause, or be unplugged and plugged back in (with `link`, a stable path
/// like /dev/serial/by-id/…: the pseudo-terminal behind it goes away and a new
/// one takes its place).
public final class FakeLD2410: @unchecked Sendable {
    public struct Behaviour: Sendable {
        /// Acknowledge engineering mode with success; false answers with a failure status.
        public var acceptEngineeringMode = true
        /// Answer commands at all (false: a sensor that ignores them).
        public var answersCommands = true
        /// Frames per second while streaming.
        public var framesPerSecond = 50.0
        public init() {}
    }

    /// What the code under test opens: the link when there is one, else the pseudo-terminal.
    public let path: String
    private let link: String?
    // The master side, guarded by `lock`; -1 while unplugged.
    private var master: Int32 = -1
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var engineering = false
    private var paused = false
    private var stopped = false
    private var garbageNext = false
    private var corruptFrames = 0
    private var splitNext = false
    private var written: [UInt8] = []
    private var thread: Thread?
    /// Commands received, by command word.
    public private(set) var commands: [UInt16] = []
    /// The gate thresholds set so far (gate sensitivity commands); the factory's until then.
    public var gateThresholds: LD2410GateThresholds { lock.withLock { thresholds } }
    private var thresholds = LD2410GateThresholds.factory

    /// `link`: a path made a symbolic link to the pseudo-terminal (and removed while unplugged).
    public init(behaviour: Behaviour = Behaviour(), link: String? = nil) throws {
        self.behaviour = behaviour
        self.link = link
        let (fd, pty) = try Self.openPty()
        master = fd
        path = link ?? pty
        if let link { try Self.point(link, at: pty) }
        let thread = Thread { [self] in run() }
        thread.name = "fake-ld2410"
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        lock.withLock { stopped = true }
        while thread?.isFinished == false { usleep(1000) }
        unplug()
    }

    /// Pulls the plug: the link goes and the pseudo-terminal is hung up (the reader sees the hang-up).
    public func unplug() {
        lock.withLock {
            if let link { unlink(link) }
            if master >= 0 { close(master) }
            master = -1
        }
    }

    /// Plugs a sensor in again: a new pseudo-terminal behind the same link, in its power-on state
    /// (not in engineering mode until told again). Needs `link`.
    public func plugBack() throws {
        guard let link else { throw TestFailure("plugBack needs a link") }
        let (fd, pty) = try Self.openPty()
        try Self.point(link, at: pty)
        lock.withLock {
            engineering = false
            master = fd
        }
    }

    private static func openPty() throws -> (Int32, String) {
        var name = [CChar](repeating: 0, count: 128)
        let fd = cshim_pty_open(&name, name.count)
        guard fd >= 0 else { throw TestFailure("no pseudo-terminal: \(String(cString: strerror(-fd)))") }
        // Raw on the master side too, so that frames pass through byte for byte.
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return (fd, String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    private static func point(_ link: String, at target: String) throws {
        unlink(link)
        guard symlink(target, link) == 0 else { throw TestFailure("symlink \(link): \(String(cString: strerror(errno)))") }
    }

    /// Stops streaming (a sensor that went quiet) or resumes.
    public func setPaused(_ p: Bool) { lock.withLock { paused = p } }
    /// The next frame goes out in two writes, with a gap between.
    public func splitNextFrame() { lock.withLock { splitNext = true } }
    /// Line noise before the next frame.
    public func garbageBeforeNextFrame() { lock.withLock { garbageNext = true } }
    /// The next `n` frames go out with a broken end marker, so the parser rejects them.
    public func corruptNextFrames(_ n: Int) { lock.withLock { corruptFrames = n } }
    /// Whether the sensor was switched to engineering mode.
    public var inEngineeringMode: Bool { lock.withLock { engineering } }
    /// Every byte streamed so far (reports and garbage; not acknowledgements).
    public var streamedBytes: [UInt8] { lock.withLock { written } }

    /// The report the fake sends: a person 1.5 m away, energies depending on the frame number.
    public static func report(_ n: Int, engineering: Bool) -> LD2410Report {
        var r = LD2410Report(targetState: 3, movingDistanceCm: 150, movingEnergy: UInt8(40 + n % 20),
                             stillDistanceCm: 150, stillEnergy: UInt8(50 + n % 10), detectionDistanceCm: 150)
        if engineering {
            r.movingGateEnergies = GateEnergies((0..<9).map { UInt8(($0 * 7 + n) % 100) })
            r.stillGateEnergies = GateEnergies((0..<9).map { UInt8(($0 * 5 + n) % 100) })
            r.lightLevel = 80
            r.outPin = 1
        }
        return r
    }

    private func run() {
        var pending: [UInt8] = []
        var inbox = [UInt8](repeating: 0, count: 256)
        var frame = 0
        var nextFrame = Date()
        while !lock.withLock({ stopped }) {
            let master = lock.withLock { self.master }
            guard master >= 0 else {
                usleep(2000)
                continue
            }
            // Commands from the code under test.
            let n = read(master, &inbox, inbox.count)
            if n > 0 {
                pending += inbox[0..<n]
                for (word, value) in Self.commands(&pending) { answer(word, value: value) }
            }
            guard Date() >= nextFrame else {
                usleep(2000)
                continue
            }
            nextFrame = Date().addingTimeInterval(1 / behaviour.framesPerSecond)
            let (isPaused, garbage, split, eng, corrupt) = lock.withLock { () -> (Bool, Bool, Bool, Bool, Bool) in
                defer { garbageNext = false; splitNext = false; corruptFrames = max(0, corruptFrames - 1) }
                return (paused, garbageNext, splitNext, engineering, corruptFrames > 0)
            }
            guard !isPaused else { continue }
            if garbage { send([0x00, 0xF4, 0x13, 0xFF, 0xAA, 0x55, 0xF4, 0xF3], stream: true) }
            var bytes = LD2410Encoder.report(Self.report(frame, engineering: eng))
            if corrupt { bytes[bytes.count - 1] ^= 0xFF }
            frame += 1
            if split {
                send(Array(bytes[..<7]), stream: true)
                usleep(30_000)
                send(Array(bytes[7...]), stream: true)
            } else {
                send(bytes, stream: true)
            }
        }
    }

    /// Takes the complete command frames (`FD FC FB FA`, length, command word, value, `04 03 02 01`) off `bytes`:
    /// each one's word and value.
    static func commands(_ bytes: inout [UInt8]) -> [(UInt16, [UInt8])] {
        var found: [(UInt16, [UInt8])] = []
        while let h = bytes.indices.first(where: { bytes.count - $0 >= 4 && Array(bytes[$0..<$0 + 4]) == [0xFD, 0xFC, 0xFB, 0xFA] }) {
            guard bytes.count - h >= 6 else { break }
            let length = Int(bytes[h + 4]) | Int(bytes[h + 5]) << 8
            guard bytes.count - h >= 6 + length + 4 else { break }
            if length >= 2 { found.append((UInt16(bytes[h + 6]) | UInt16(bytes[h + 7]) << 8, Array(bytes[(h + 8)..<(h + 6 + length)]))) }
            bytes.removeFirst(h + 6 + length + 4)
        }
        return found
    }

    private func answer(_ word: UInt16, value: [UInt8]) {
        lock.withLock { commands.append(word) }
        guard behaviour.answersCommands, let command = LD2410Encoder.Command(rawValue: word) else { return }
        var success = true
        if command == .engineeringModeOn {
            success = behaviour.acceptEngineeringMode
            if success { lock.withLock { engineering = true } }
        }
        if command == .gateSensitivity {
            // A real module refuses a gate beyond 8 or a value over 100.
            if let set = LD2410Encoder.parseGateSensitivity(value), set.gate < LD2410GateThresholds.gates {
                lock.withLock { (thresholds.moving[set.gate], thresholds.still[set.gate]) = (set.moving, set.still) }
            } else {
                success = false
            }
        }
        let payload: [UInt8] = command == .enableConfiguration ? [0x01, 0x00, 0x40, 0x00] : []
        send(LD2410Encoder.ack(for: command, success: success, payload: payload), stream: false)
    }

    private func send(_ bytes: [UInt8], stream: Bool) {
        // Recorded before the write: the reader may have the bytes before this thread runs again, and a
        // test comparing what it read with what was sent must find them here.
        if stream { lock.withLock { written += bytes } }
        var done = 0
        let master = lock.withLock { self.master }
        while master >= 0, done < bytes.count {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress! + done, bytes.count - done) }
            if n > 0 { done += n } else if errno == EAGAIN || errno == EINTR { usleep(1000) } else { return }
        }
    }
}
