import Foundation
import Logging
import Synchronization

/// swift-log to stderr, or, when stderr is the journal (under systemd), straight into the journal
/// with priorities and fields; at the configured level, which a SIGHUP reload may change while
/// loggers already exist: every handler reads the one shared level.
public enum DaemonLogging {
    private static let level = Atomic<UInt8>(levelCode(.info))

    public static func bootstrap(level name: String) -> Logger {
        setLevel(name)
        let journal = JournalLogHandler.stderrIsJournal(environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            SharedLevelHandler(inner: journal ? JournalLogHandler() : StreamLogHandler.standardError(label: label))
        }
        return Logger(label: "presenced")
    }

    /// Unknown names (the loader lets none through) leave the level as it is.
    public static func setLevel(_ name: String) {
        guard let l = Logger.Level(rawValue: name) else { return }
        level.store(levelCode(l), ordering: .relaxed)
    }

    private static func levelCode(_ l: Logger.Level) -> UInt8 { UInt8(Logger.Level.allCases.firstIndex(of: l)!) }

    fileprivate static var current: Logger.Level {
        get { Logger.Level.allCases[Int(level.load(ordering: .relaxed))] }
        set { level.store(levelCode(newValue), ordering: .relaxed) }
    }

    private struct SharedLevelHandler: LogHandler {
        var inner: any LogHandler

        var logLevel: Logger.Level {
            get { DaemonLogging.current }
            set { DaemonLogging.current = newValue }
        }
        var metadata: Logger.Metadata {
            get { inner.metadata }
            set { inner.metadata = newValue }
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { inner[metadataKey: key] }
            set { inner[metadataKey: key] = newValue }
        }

        func log(event: LogEvent) {
            inner.log(event: event)
        }
    }
}
