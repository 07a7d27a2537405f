import PresenceCore
import PresenceDSP
import PresencePipeline

/// One tick as the live page's stream sends it (`GET /live`, DESIGN.md §9): what the room is, p and each
/// sensor's score, the sensors' statuses, and per sensor what the page draws. Built only while a browser
/// watches (`LiveFeed.isWatched`), at most five times a second.
enum LiveTick {
    /// `radar`: the radar's per-gate view (`Pipeline.radarView`); `mask`: the newest foreground mask, small.
    static func json(_ tick: Pipeline.Tick, state: OccupancyState, radar view: RadarFeatureExtractor.View? = nil,
                     mask: MaskThumbnail? = nil, preview: PreviewThumbnail? = nil, calibration: String? = nil,
                     zones: [String: Bool] = [:]) -> String {
        let f = tick.features
        var w = JSONObjectWriter()
        w.raw("t", String(f.t))
        w.string("time", Nanos.rfc3339(f.t))
        w.number("p", tick.fusion.probability)
        w.raw("occupied", state.occupied ? "true" : "false")
        w.raw("since", String(state.since))
        var sources = JSONObjectWriter()
        for (sensor, score) in tick.fusion.sources { sources.number(sensor.rawValue, score) }
        w.raw("sources", sources.finish())
        var sensors = JSONObjectWriter()
        for (sensor, status) in state.sensors.sorted(by: { $0.key < $1.key }) { sensors.string(sensor.rawValue, status.rawValue) }
        w.raw("sensors", sensors.finish())
        if f.present.contains(.camera) { w.raw("camera", camera(f, mask: mask, preview: preview)) }
        if f.present.contains(.audio) { w.raw("audio", audio(f)) }
        if f.present.contains(.radar) { w.raw("radar", radar(f, view: view)) }
        // A calibration started on the page (PageCalibration): its phase, seconds left, reports learned from.
        if let calibration { w.raw("calibration", calibration) }
        // Occupancy per LD2450 include zone (ZoneOccupancy), by name.
        if !zones.isEmpty {
            var z = JSONObjectWriter()
            for (name, occupied) in zones.sorted(by: { $0.key < $1.key }) { z.raw(name, occupied ? "true" : "false") }
            w.raw("zones", z.finish())
        }
        return w.finish()
    }

    /// The foreground mask's share of the picture and where its largest blob is.
    private static func camera(_ f: FeatureVector, mask: MaskThumbnail?, preview: PreviewThumbnail?) -> String {
        var w = JSONObjectWriter()
        w.number("foreground", Double(f[.cameraForeground]))
        w.number("motion", Double(f[.cameraMotion]))
        w.number("blob_area", Double(f[.cameraBlobArea]))
        w.number("blob_x", Double(f[.cameraBlobX]))
        w.number("blob_y", Double(f[.cameraBlobY]))
        w.raw("scene_changed", f[.cameraSceneChanged] > 0 ? "true" : "false")
        if let mask { w.raw("mask", mask.json) }
        if let preview { w.raw("preview", preview.json) }
        return w.finish()
    }

    /// How loud, how far over the room's floor, a voice, and the sound classifier's classes.
    private static func audio(_ f: FeatureVector) -> String {
        var w = JSONObjectWriter()
        w.number("level_dbfs", Double(f[.audioLevel]))
        w.number("above_floor_db", Double(f[.audioAboveFloor]))
        w.number("voice", Double(f[.audioVoice]))
        var sound = JSONObjectWriter()
        for (k, name) in Feature.soundClasses.enumerated() { sound.number(name, Double(f[.audioSound(k)])) }
        w.raw("sound", sound.finish())
        return w.finish()
    }

    /// The strongest energies, what stands over the room's baseline, and where; per gate against the baseline
    /// and the thresholds (an LD2410 in engineering mode), or the targets (an LD2450).
    private static func radar(_ f: FeatureVector, view: RadarFeatureExtractor.View?) -> String {
        var w = JSONObjectWriter()
        w.number("moving", Double(f[.radarMoving]))
        w.number("still", Double(f[.radarStill]))
        w.number("moving_excess", Double(f[.radarMovingExcess]))
        w.number("still_excess", Double(f[.radarStillExcess]))
        w.number("distance_m", Double(f[.radarDistance]))
        w.number("targets", Double(f[.radarTargets]))
        w.number("breathing", Double(f[.radarBreathingShare]))
        if let view, !view.moving.isEmpty {
            var gates = JSONObjectWriter()
            for (key, values) in [("moving", view.moving), ("still", view.still), ("baseline_moving", view.baselineMoving),
                                  ("baseline_still", view.baselineStill), ("over_moving", view.overMoving),
                                  ("over_still", view.overStill), ("threshold_moving", view.gateMoving),
                                  ("threshold_still", view.gateStill)] {
                gates.raw(key, "[" + values.map { JSONObjectWriter.format(Double($0)) }.joined(separator: ",") + "]")
            }
            w.raw("gates", gates.finish())
        }
        if let view, view.tracksTargets {
            let targets = view.targets.map { t in
                var o = JSONObjectWriter()
                o.number("x", Double(t.x))
                o.number("y", Double(t.y))
                o.number("speed", Double(t.speed))
                o.raw("counted", t.counted ? "true" : "false")
                return o.finish()
            }
            w.raw("positions", "[" + targets.joined(separator: ",") + "]")
        }
        return w.finish()
    }
}
