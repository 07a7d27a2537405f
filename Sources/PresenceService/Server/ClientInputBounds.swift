/// What an event-socket client may send. Clients have nothing to say yet (DESIGN.md §4), so input is
/// read and dropped, within bounds: no line longer than `maxLineLength` bytes, and no more than a
/// token bucket of `burst` bytes refilled at `bytesPerSecond`. A client past either is closed.
/// Pure (time is passed in), so the fuzzer can drive it with any bytes at any pace.
package struct ClientInputBounds: Sendable {
    package static let maxLineLength = 4096
    package static let bytesPerSecond = 4096
    package static let burst = 16 * 1024

    /// Bytes received since the client's last newline.
    private var pendingLine = 0
    private var tokens = Double(ClientInputBounds.burst)
    private var lastRefill: Int64

    package init(now: Int64) { lastRefill = now }

    /// Takes one read (`now`: a monotonic time in nanoseconds); false when the client broke a bound.
    package mutating func accept(_ bytes: some BidirectionalCollection<UInt8>, now: Int64) -> Bool {
        if let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
            pendingLine = bytes.distance(from: lastNewline, to: bytes.endIndex) - 1
        } else {
            pendingLine += bytes.count
        }
        let elapsed = max(0, now - lastRefill)
        tokens = min(Double(Self.burst), tokens + Double(elapsed) / 1e9 * Double(Self.bytesPerSecond))
        lastRefill = max(lastRefill, now)
        tokens -= Double(bytes.count)
        return pendingLine <= Self.maxLineLength && tokens >= 0
    }
}
