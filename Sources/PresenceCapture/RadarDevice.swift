import CShims
import Glibc
import PresenceCore
import PresenceRadar

/// An HLK-LD2410 or LD2450 on a UART: raw 8N1 at any baud rate (termios2).
/// An LD2410 is asked for engineering mode at open (per-gate energies); one that
/// refuses or does not answer streams basic frames, and that is used instead.
/// Bytes are delivered exactly as read, with the read time.
public final class RadarDevice: CaptureDevice {
    public let sensor = SensorKind.radar
    public let path: String
    public let model: RadarModel
    public let baud: Int
    /// Whether the last open got the LD2410 into engineering mode (false: basic frames, or an LD2450).
    public private(set) var engineeringMode = false
    /// Why engineering mode was not used, for the log; nil when it was (or for an LD2450).
    public private(set) var fallbackReason: String?

    public var openNotice: String? {
        fallbackReason.map { "no engineering mode (\($0)); using basic frames, without per-gate energies" }
    }

    private let clock: CaptureClock
    private var fd: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 1024)
    private var chunks = RecycledBuffers<UInt8>(slots: 8, zero: 0)
    /// How long to wait for each acknowledgement at start.
    static let ackTimeoutMs: Int64 = 1000

    public init(path: String, model: RadarModel, baud: Int, clock: CaptureClock) {
        self.path = path
        self.model = model
        self.baud = baud
        self.clock = clock
    }

    public func open() throws(CaptureError) {
        close()
        let f = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard f >= 0 else { throw .system("open \(path)") }
        fd = f
        let r = cshim_serial_configure(fd, UInt32(baud))
        guard r == 0 else {
            close()
            throw .system("configure \(path) at \(baud) baud", -r)
        }
        tcflush(fd, TCIOFLUSH)
        engineeringMode = false
        fallbackReason = nil
        if model == .ld2410 {
            do {
                try handshake()
                engineeringMode = true
            } catch {
                // The sensor still streams basic frames: use them, and say why.
                fallbackReason = error.reason
                _ = try? write(LD2410Encoder.command(.endConfiguration))
            }
        }
    }

    public func read(timeoutMs: Int32, emit: (Sample) -> Void) throws(CaptureError) {
        guard fd >= 0 else { throw CaptureError("\(path) is not open") }
        guard try waitReadable(timeoutMs: timeoutMs) else { return }
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            throw .system("read \(path)")
        }
        // A tty whose other end went away reads 0 bytes (a pty) or fails with EIO (a USB adapter pulled out).
        guard n > 0 else { throw CaptureError("read \(path): the device hung up") }
        let bytes = buffer.withUnsafeBufferPointer { read in
            chunks.fill(count: n) { _ = $0.update(fromContentsOf: UnsafeBufferPointer(rebasing: read[0..<n])) }
        }
        let chunk = SerialChunk(model: model, device: path, bytes: bytes)
        emit(Sample(t: clock.now(), payload: .serial(chunk)))
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    // MARK: LD2410 configuration

    /// Enable configuration, engineering mode on, end configuration; each must be acknowledged with success.
    private func handshake() throws(CaptureError) {
        try exchange([(.enableConfiguration, nil), (.engineeringModeOn, nil), (.endConfiguration, nil)])
    }

    /// Writes per-gate thresholds into an open LD2410 (`presenced calibrate --write-module`), so that its own
    /// target flag and OUT pin decide with them: enable configuration, one gate sensitivity command per gate,
    /// end configuration, each acknowledged with success. A failure ends configuration before it throws.
    public func writeGateThresholds(_ t: LD2410GateThresholds) throws(CaptureError) {
        guard fd >= 0 else { throw CaptureError("\(path) is not open") }
        guard model == .ld2410 else { throw CaptureError("gate thresholds are an LD2410's; \(path) is an \(model.rawValue)") }
        let gates = (0..<LD2410GateThresholds.gates).map {
            (LD2410Encoder.Command.gateSensitivity, Optional(LD2410Encoder.gateSensitivity(gate: $0, moving: t.moving[$0], still: t.still[$0])))
        }
        do {
            try exchange([(.enableConfiguration, nil)] + gates + [(.endConfiguration, nil)])
        } catch {
            _ = try? write(LD2410Encoder.command(.endConfiguration))
            throw error
        }
    }

    /// Sends each command and waits for its acknowledgement with success (reports streaming meanwhile are skipped).
    private func exchange(_ commands: [(LD2410Encoder.Command, [UInt8]?)]) throws(CaptureError) {
        var parser = LD2410Parser()
        for (command, value) in commands {
            try write(LD2410Encoder.command(command, value: value))
            let deadline = CaptureClock.monotonic() + Self.ackTimeoutMs * 1_000_000
            var acked = false
            var messages: [RadarMessage] = []
            while !acked {
                let left = deadline - CaptureClock.monotonic()
                guard left > 0 else { throw CaptureError("no acknowledgement of \(command) within \(Self.ackTimeoutMs) ms") }
                guard try waitReadable(timeoutMs: Int32(min(left / 1_000_000 + 1, 200))) else { continue }
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EAGAIN || errno == EINTR { continue }
                guard n > 0 else { throw .system("read \(path)") }
                messages.removeAll(keepingCapacity: true)
                parser.feed(buffer[0..<n], into: &messages)
                for case .ack(let word, let status, _) in messages where word == command.rawValue | 0x0100 {
                    guard status == 0 else { throw CaptureError("the sensor refused \(command) (status \(status))") }
                    acked = true
                }
            }
        }
    }

    private func write(_ bytes: [UInt8]) throws(CaptureError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0, errno == EINTR || errno == EAGAIN {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 100)
                continue
            }
            guard n > 0 else { throw .system("write \(path)") }
            done += n
        }
    }

    /// True when there is something to read; throws when the line hung up or failed.
    private func waitReadable(timeoutMs: Int32) throws(CaptureError) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = poll(&p, 1, timeoutMs)
        if r < 0 {
            if errno == EINTR { return false }
            throw .system("poll \(path)")
        }
        if r == 0 { return false }
        if p.revents & Int16(POLLIN) != 0 { return true }
        if p.revents & Int16(POLLERR | POLLNVAL) != 0 { throw CaptureError("read \(path): the device failed") }
        if p.revents & Int16(POLLHUP) != 0 { throw CaptureError("read \(path): the device hung up") }
        return false
    }
}
