import Logging
import NIOPosix
import PresenceCore
import PresencePipeline
import ServiceLifecycle

/// `presenced run`: assembles the services of one daemon from its configuration
/// and runs them until SIGTERM or SIGINT, then drains and returns.
public enum Daemon {
    public static let version = "0.1.0"

    public static func run(config: PresenceConfig, logger: Logger) async throws {
        MallocTuning.apply()
        // Fail at start (a model that does not open; a replay file's own error: 66 missing, 65 corrupt),
        // not later on the pipeline thread.
        let (classifier, sensors) = try config.prepareToRun()
        let metrics = PresenceMetrics(version: version, model: config.modelName)
        // The room as it was before this start, when it was saved recently enough (one log line either way).
        let roomFile = RoomStateFile(directory: config.state.dir)
        var restoring: (room: RoomState, savedAt: Int64)?
        switch roomFile.load(now: RoomStateFile.wallClock(), within: config.fusion.restoreWindow) {
        case .restore(let room, let savedAt, let age):
            restoring = (room, savedAt)
            logger.notice("room state taken up from before the restart", metadata: [
                "occupied": "\(room.tracker.occupied)", "saved": "\(DurationText.format(age / Nanos.perMillisecond * Nanos.perMillisecond)) ago"])
        case .none(let reason, let problem):
            if problem { logger.warning("\(reason)") } else { logger.info("\(reason)") }
        }
        // A client that connects before the pipeline's first tick gets the sensors in its hello too, with the
        // status the pipeline starts them in (and the room taken up, marked "restored").
        let initial = restoring?.room.occupancyState(expecting: sensors) ?? OccupancyState(expecting: sensors)
        let hub = EventHub(initial: initial, version: version, metrics: metrics)
        let health = DaemonHealth()
        let live = LiveFeed(metrics: metrics)
        // The LD2450 zones drawn on the live page, as saved: in use (and served) from the start.
        let savedZones = ZonesFile.load(stateDir: config.state.dir)
        if let problem = savedZones.problem { logger.warning("zones not used", metadata: ["reason": "\(problem)"]) }
        let actions = LiveActions(zones: savedZones.zones)
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

        let socket = EventSocketServer(path: config.socket.path, mode: config.socket.mode, group: config.socket.group,
                                       hub: hub, eventLoops: eventLoops, logger: logger, metrics: metrics)
        let running = RunningConfig(config: config, classifier: classifier)
        let rec = config.recording
        let clips = try rec.flightRecorder > 0 ? (rec.flightRecorder, rec.clipAfter, ClipWriter(
            directory: rec.dir, maxClips: rec.maxClips,
            metadata: ["source": config.replay?.file ?? "live", "recorded_by": "presenced \(version)"],
            configFile: config.sourcePath ?? "configuration", metrics: metrics, logger: logger)) : nil
        let pipeline = PipelineService(
            running: running,
            hub: hub, live: live, actions: actions, metrics: metrics, health: health, logger: logger, clips: clips,
            roomFile: roomFile, restoring: restoring)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: socket, serviceName: "socket"),
            // A replay without loop ends; the daemon then ends too, cleanly.
            .init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "pipeline"),
            // Both always run: a reload may turn them on (or off).
            .init(service: MetricsServer(running: running, metrics: metrics, health: health, live: live, actions: actions, eventLoops: eventLoops, logger: logger), serviceName: "metrics"),
            .init(service: MQTTService(running: running, version: version, hub: hub, eventLoops: eventLoops, metrics: metrics, logger: logger), serviceName: "mqtt"),
        ]
        services.append(.init(service: SystemdWatchdog(health: health, logger: logger), serviceName: "watchdog"))
        if DebugHooks.wanted { services.append(.init(service: await DebugHooks(pipeline: pipeline), serviceName: "debug-hooks")) }
        if let path = config.sourcePath {
            services.append(.init(service: await ConfigReloader(path: path, running: running, logger: logger), serviceName: "reload"))
        }
        var groupConfig = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfig.gracefulShutdownSignals = [.sigterm, .sigint]
        groupConfig.maximumGracefulShutdownDuration = .milliseconds(1500)
        let group = ServiceGroup(configuration: groupConfig)
        logger.info("presenced starting", metadata: ["version": "\(version)", "config": "\(config.sourcePath ?? "defaults")"])
        defer { SystemdNotifier.stopping() }
        do {
            try await group.run()
        } catch {
            try? await eventLoops.shutdownGracefully()
            throw error
        }
        try? await eventLoops.shutdownGracefully()
        logger.info("presenced stopped")
    }
}
