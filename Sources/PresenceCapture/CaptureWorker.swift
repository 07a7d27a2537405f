import Foundation
import PresenceCore

/// One device, as the capture worker drives it from its thread.
public protocol CaptureDevice: AnyObject {
    var sensor: SensorKind { get }
    /// Opens and configures the device (for the radar: the start-up handshake too).
    func open() throws(CaptureError)
    /// Waits up to `timeoutMs` for data and hands every sample to `emit`; throws when the device fails.
    func read(timeoutMs: Int32, emit: (Sample) -> Void) throws(CaptureError)
    /// Releases the device; safe to call when it is not open.
    func close()
    /// Something worth saying after a successful open (a fallback taken), or nil.
    var openNotice: String? { get }
}

extension CaptureDevice {
    public var openNotice: String? { nil }
}

/// Runs one device on a named thread doing blocking I/O (DESIGN.md §8): opens
/// it, reads until it fails or goes quiet for `dataTimeout`, reports `lost`
/// with the reason, and retries with a backoff from 1 s to 30 s, doubling;
/// a device missing at start is retried the same way. Never gives up: only
/// `stop()` ends it.
public final class CaptureWorker: @unchecked Sendable {
    public struct Backoff: Sendable {
        public var first: Double = 1
        public var max: Double = 30
        public init(first: Double = 1, max: Double = 30) {
            self.first = first
            self.max = max
        }
    }

    private let device: any CaptureDevice
    private let hub: CaptureHub
    private let clock: CaptureClock
    private let dataTimeout: Int64
    private let backoff: Backoff
    private let threadName: String
    // Guarded by `condition`: stop requests and the thread's end.
    private let condition = MonotonicCondition()
    private var stopping = false
    private var finished = false
    private var reconnectCount = 0

    /// `dataTimeout`: nanoseconds without a sample after which the device counts as lost and is reopened.
    public init(device: any CaptureDevice, hub: CaptureHub, clock: CaptureClock, dataTimeout: Int64,
                backoff: Backoff = Backoff(), threadName: String) {
        self.device = device
        self.hub = hub
        self.clock = clock
        self.dataTimeout = dataTimeout
        self.backoff = backoff
        self.threadName = threadName
    }

    public func start() {
        let thread = Thread { [self] in
            run()
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = threadName
        thread.start()
    }

    /// Asks the thread to close its device and end, without waiting.
    public func requestStop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
    }

    /// Asks the thread to end and waits until `deadline` (CLOCK_MONOTONIC ns) for it; false when it is still running then.
    @discardableResult
    public func stop(untilMonotonic deadline: Int64) -> Bool {
        requestStop()
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            guard condition.wait(untilMonotonic: deadline) else { return false }
        }
        return true
    }

    @discardableResult
    public func stop(timeout: Double = 1) -> Bool { stop(untilMonotonic: MonotonicCondition.deadline(in: timeout)) }

    /// How often the device came back after being lost.
    public var reconnects: Int {
        condition.lock()
        defer { condition.unlock() }
        return reconnectCount
    }

    private var shouldStop: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func run() {
        var delay = backoff.first
        var lost = false
        while !shouldStop {
            do throws(CaptureError) {
                try device.open()
                if let notice = device.openNotice { hub.report(.notice(device.sensor, notice)) }
                var lastData = CaptureClock.monotonic()
                while !shouldStop {
                    var got = false
                    try device.read(timeoutMs: 200) { sample in
                        hub.push(sample)
                        got = true
                    }
                    let now = CaptureClock.monotonic()
                    if got {
                        lastData = now
                        delay = backoff.first
                        // Back only once data flows again: a device that opens but stays silent is still lost.
                        if lost {
                            lost = false
                            condition.lock()
                            reconnectCount += 1
                            condition.unlock()
                            hub.report(.reconnected(device.sensor, t: clock.now()))
                        }
                    } else if now - lastData > dataTimeout {
                        throw CaptureError("no data for \(Double(dataTimeout / 1_000_000) / 1000) s")
                    }
                }
                device.close()
            } catch {
                device.close()
                if !lost { hub.report(.lost(device.sensor, reason: error.reason, t: clock.now())) }
                lost = true
                sleep(seconds: delay)
                delay = min(delay * 2, backoff.max)
            }
        }
    }

    /// Sleeps, waking early when stopped.
    private func sleep(seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        let deadline = MonotonicCondition.deadline(in: seconds)
        while !stopping, condition.wait(untilMonotonic: deadline) {}
    }
}
