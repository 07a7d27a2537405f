import Logging

/// swift-log to stderr (the journal under systemd), at the configured level.
public enum DaemonLogging {
    public static func bootstrap(level: String) -> Logger {
        let lvl = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = lvl
            return h
        }
        var logger = Logger(label: "presenced")
        logger.logLevel = lvl
        return logger
    }
}
