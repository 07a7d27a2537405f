import PresenceCore

/// Where capture threads hand over to the pipeline thread (DESIGN.md §1, §8):
/// one bounded ring per sensor, drop-oldest, every drop counted, and the
/// status changes the threads report. Producers never block; the consumer
/// sleeps until something arrives or its timeout passes.
public final class CaptureHub: @unchecked Sendable {
    /// Something a capture thread reported.
    public enum Report: Sendable, Equatable {
        /// The device could not be opened, or failed or went quiet: `lost`, with why.
        case lost(SensorKind, reason: String, t: Int64)
        /// The device delivers data again after being lost.
        case reconnected(SensorKind, t: Int64)
        /// Worth a log line: a fallback taken at open.
        case notice(SensorKind, String)
    }

    public let capacity: Int
    // Guarded by `condition`.
    private let condition = MonotonicCondition()
    private var rings: [SensorKind: [Sample]] = [:]
    private var reports: [Report] = []
    private var dropped: [SensorKind: Int] = [:]

    /// `capacity` samples per sensor: about 2 s of the busiest one (audio, 50 chunks a second) by default.
    public init(capacity: Int = 128) {
        self.capacity = capacity
    }

    /// Adds a sample; when its sensor's ring is full the oldest sample is dropped (and counted).
    public func push(_ sample: Sample) {
        condition.lock()
        defer { condition.unlock() }
        var ring = rings.removeValue(forKey: sample.sensor) ?? []
        if ring.count >= capacity {
            ring.removeFirst()
            dropped[sample.sensor, default: 0] += 1
        }
        ring.append(sample)
        rings[sample.sensor] = ring
        condition.signal()
    }

    public func report(_ r: Report) {
        condition.lock()
        defer { condition.unlock() }
        reports.append(r)
        condition.signal()
    }

    /// Everything waiting, after waiting up to `timeout` seconds for something to arrive.
    /// Samples of one sensor stay in their order; reports come first.
    public func take(timeout: Double, samples: inout [Sample], reports taken: inout [Report]) {
        condition.lock()
        defer { condition.unlock() }
        if reports.isEmpty, rings.values.allSatisfy(\.isEmpty) {
            condition.wait(untilMonotonic: MonotonicCondition.deadline(in: timeout))
        }
        taken.append(contentsOf: reports)
        reports.removeAll(keepingCapacity: true)
        for sensor in SensorKind.allCases {
            guard var ring = rings[sensor], !ring.isEmpty else { continue }
            samples.append(contentsOf: ring)
            ring.removeAll(keepingCapacity: true)
            rings[sensor] = ring
        }
    }

    /// Samples dropped so far because the pipeline did not keep up, per sensor.
    public var droppedSamples: [SensorKind: Int] {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }
}
