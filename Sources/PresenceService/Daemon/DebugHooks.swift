import Foundation
import ServiceLifecycle
import UnixSignals

/// Test-only behaviour, off unless its environment variable is set when the daemon starts:
/// `PRESENCED_DEBUG_STALL_ON_SIGUSR2=1` makes SIGUSR2 stall the pipeline for good, so that a test can see
/// the systemd watchdog restart the daemon (issue 9). Nothing else listens for SIGUSR2.
final class DebugHooks: Service, Sendable {
    static let stallVariable = "PRESENCED_DEBUG_STALL_ON_SIGUSR2"
    private let pipeline: PipelineService
    private let signals: UnixSignalsSequence

    static var wanted: Bool { ProcessInfo.processInfo.environment[stallVariable] == "1" }

    /// Traps SIGUSR2 before the daemon answers anyone (as `ConfigReloader` does SIGHUP).
    init(pipeline: PipelineService) async {
        self.pipeline = pipeline
        self.signals = await UnixSignalsSequence(trapping: .sigusr2)
    }

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() { pipeline.stallForTesting() }
    }
}
