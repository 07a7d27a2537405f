import ArgumentParser
import PresencePipeline
import PresenceService

/// The options every command that replays recordings through the pipeline takes (replay, eval).
struct PipelineArguments: ParsableArguments {
    @Option(help: "Configuration file (fusion and tracker settings; sensor sections narrow the modalities used).")
    var config: String?

    @Option(help: "Trained model file (overrides [fusion] model).")
    var model: String?

    @Flag(help: "Use what is readable in a damaged recording (skipping the damage) instead of stopping.")
    var lenient = false

    /// The configuration file's settings (or the defaults), with --model applied.
    func loadConfig() throws -> PresenceConfig {
        var c = try config.map { path throws(ConfigError) in try ConfigLoader.load(path: path) } ?? PresenceConfig()
        if let model { c.fusion.model = model }
        return c
    }

    /// A replay of `files` with the configuration's sensors, tracker and model.
    func replayOptions(_ files: [String]) throws -> ReplayOptions {
        let config = try loadConfig()
        var options = ReplayOptions(files: files, classifier: try config.classifier())
        options.settings = config.pipelineSettings
        options.lenient = lenient
        return options
    }
}
