import PresenceCore

extension PresenceConfig {
    /// The source this configuration asks for: its `[replay]` file, else its devices.
    func makeSource() throws -> any SampleSource {
        if let r = replay {
            return try ReplaySource(path: r.file, loop: r.loop, speed: r.speed, configured: configuredSensors)
        }
        return try LiveSource(config: self)
    }

    /// Fails now, before any service starts, when the source cannot work at all: a replay file that is
    /// missing (66) or corrupt (65), or no source configured (78). Devices that are missing are not
    /// an error: their capture threads retry until they appear. Returns the sensors the source will
    /// deliver (the pipeline expects exactly these).
    func checkSource() throws -> Set<SensorKind> {
        if let r = replay {
            return try ReplaySource(path: r.file, loop: r.loop, speed: r.speed, configured: configuredSensors).sensors
        } else if configuredSensors.isEmpty {
            throw noSource
        }
        return configuredSensors
    }

    /// Neither devices nor a recording to read from.
    var noSource: ConfigError {
        ConfigError(file: sourcePath ?? "configuration", key: "camera",
                    message: "expected at least one of [camera], [audio], [radar], or a [replay] section")
    }
}
