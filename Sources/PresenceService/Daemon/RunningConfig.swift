import NIOConcurrencyHelpers
import PresenceCore
import PresenceFusion
import Synchronization

/// The configuration the daemon runs on now, replaced whole by a SIGHUP reload (`ConfigReloader`). The
/// pipeline polls `generation` between samples (one relaxed load); the services that rebind or reconnect
/// wait on `changes()`.
public final class RunningConfig: Sendable {
    public struct Current: Sendable {
        public var config: PresenceConfig
        /// Built from `config.fusion.model` when the file was loaded, so that a bad model is a bad file.
        public var classifier: any OccupancyClassifier
        public var generation: Int
    }

    // Locks here are NIOLockedValueBox (pthread), not Synchronization.Mutex: ThreadSanitizer cannot see
    // Mutex's futex on Linux and reports every access it guards as a race (make test-sanitize).
    private let current: NIOLockedValueBox<Current>
    private let generationCounter = Atomic<Int>(0)
    private let listeners = NIOLockedValueBox<[AsyncStream<PresenceConfig>.Continuation]>([])

    public init(config: PresenceConfig, classifier: any OccupancyClassifier) {
        current = NIOLockedValueBox(Current(config: config, classifier: classifier, generation: 0))
    }

    public var now: Current { current.withLockedValue { $0 } }
    public var config: PresenceConfig { current.withLockedValue { $0.config } }
    /// Changes with every `replace`; cheap enough to read per sample.
    public var generation: Int { generationCounter.load(ordering: .acquiring) }

    func replace(with config: PresenceConfig, classifier: any OccupancyClassifier) {
        current.withLockedValue { c in
            c = Current(config: config, classifier: classifier, generation: c.generation + 1)
            generationCounter.store(c.generation, ordering: .releasing)
        }
        for l in listeners.withLockedValue({ $0 }) { l.yield(config) }
    }

    /// Every configuration applied from now on (the newest only, if the reader falls behind).
    public func changes() -> AsyncStream<PresenceConfig> {
        let (stream, continuation) = AsyncStream<PresenceConfig>.makeStream(bufferingPolicy: .bufferingNewest(1))
        listeners.withLockedValue { $0.append(continuation) }
        return stream
    }
}

extension PresenceConfig {
    /// What must hold before this configuration runs, at start and on a reload alike: its model opens and
    /// its source can work (`checkSource`). Returns what that built: the classifier, and the sensors the
    /// source will deliver.
    func prepareToRun() throws -> (classifier: any OccupancyClassifier, sensors: Set<SensorKind>) {
        let classifier = try classifier()
        return (classifier, try checkSource())
    }
}
