import CSystemd
import Logging
import PresenceCore
import ServiceLifecycle

/// Pings systemd's watchdog (`WatchdogSec=` in the unit) at half its period, but only while the pipeline
/// makes progress (`DaemonHealth.alive`: a tick within 5 s). A stuck pipeline therefore goes unpinged and
/// systemd restarts the daemon; a lost sensor does not stop the pings (the pipeline ticks on without it,
/// and a restart would not bring the device back). Without a watchdog it only waits for shutdown.
public final class SystemdWatchdog: Service, Sendable {
    private let health: DaemonHealth
    private let logger: Logger

    public init(health: DaemonHealth, logger: Logger) {
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else {
            try? await gracefulShutdown()
            return
        }
        let half = usec * 1000 / 2
        logger.info("systemd watchdog on", metadata: ["period": "\(DurationText.format(Int64(usec) * 1000))"])
        var stalled = false
        while !Task.isCancelled {
            let status = health.status()
            if status.alive {
                SystemdNotifier.notify("WATCHDOG=1")
                if stalled { logger.notice("pipeline moving again; watchdog pings resume") }
                stalled = false
            } else if !stalled {
                stalled = true
                logger.critical("not pinging the watchdog: systemd will restart presenced", metadata: ["why": "\(status.text)"])
                SystemdNotifier.status(status.text)
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: half) }
            } catch {
                return  // shutdown
            }
        }
    }
}
