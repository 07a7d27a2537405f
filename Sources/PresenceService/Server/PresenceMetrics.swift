import PresenceCore
import Prometheus

/// Every metric of DESIGN.md §7, created once at start (never per event) so
/// that a scrape always shows the full set, with zeros where nothing happened.
public final class PresenceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let occupied: Gauge
    public let confidence: Gauge
    public let transitionsToOccupied: Counter
    public let transitionsToVacant: Counter
    public let sensorUp: [SensorKind: Gauge]
    public let samples: [SensorKind: Counter]
    public let samplesDroppedRingFull: [SensorKind: Counter]
    public let samplesDroppedCorrupt: [SensorKind: Counter]
    public let reconnects: [SensorKind: Counter]
    public let tickDuration: DurationHistogram
    public let captureDelay: [SensorKind: DurationHistogram]
    public let subscribers: Gauge
    public let subscribersDropped: Counter

    public init(version: String, model: String) {
        let r = PrometheusCollectorRegistry()
        registry = r
        occupied = r.makeGauge(name: "presence_occupied", help: "1 while the room is occupied, else 0")
        confidence = r.makeGauge(name: "presence_confidence", help: "p(occupied) of the latest tick, 0..1")
        transitionsToOccupied = r.makeCounter(name: "presence_transitions_total", labels: [("to", "occupied")],
                                              help: "Changes of the occupancy state, by new state")
        transitionsToVacant = r.makeCounter(name: "presence_transitions_total", labels: [("to", "vacant")],
                                            help: "Changes of the occupancy state, by new state")
        func perSensor<T>(_ make: (SensorKind) -> T) -> [SensorKind: T] {
            Dictionary(uniqueKeysWithValues: SensorKind.allCases.map { ($0, make($0)) })
        }
        sensorUp = perSensor { r.makeGauge(name: "presence_sensor_up", labels: [("sensor", $0.rawValue)], help: "1 while the sensor delivers data") }
        samples = perSensor { r.makeCounter(name: "presence_samples_total", labels: [("sensor", $0.rawValue)], help: "Samples taken into the pipeline") }
        samplesDroppedRingFull = perSensor {
            r.makeCounter(name: "presence_samples_dropped_total", labels: [("sensor", $0.rawValue), ("reason", "ring_full")],
                          help: "Samples dropped before the pipeline, by reason")
        }
        samplesDroppedCorrupt = perSensor {
            r.makeCounter(name: "presence_samples_dropped_total", labels: [("sensor", $0.rawValue), ("reason", "corrupt")],
                          help: "Samples dropped before the pipeline, by reason")
        }
        reconnects = perSensor { r.makeCounter(name: "presence_sensor_reconnects_total", labels: [("sensor", $0.rawValue)], help: "Times a lost sensor came back") }
        let tickBuckets: [Duration] = [.microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
                                       .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
                                       .milliseconds(25), .milliseconds(50), .milliseconds(100)]
        tickDuration = r.makeDurationHistogram(name: "presence_tick_duration_seconds", buckets: tickBuckets,
                                               help: "Processing time of one 10 Hz pipeline tick")
        let delayBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1)]
        captureDelay = perSensor {
            r.makeDurationHistogram(name: "presence_capture_delay_seconds", labels: [("sensor", $0.rawValue)], buckets: delayBuckets,
                                    help: "Time from a sample's capture to its processing")
        }
        subscribers = r.makeGauge(name: "presence_subscribers", help: "Socket clients connected")
        subscribersDropped = r.makeCounter(name: "presence_subscribers_dropped_total", help: "Socket clients disconnected because they did not keep up")
        r.makeGauge(name: "presence_build_info", labels: [("version", version), ("model", model)],
                    help: "Build and model in use; always 1").set(Int64(1))
    }

    /// Applies a tick's outcome and its events.
    func record(events: [PresenceEvent], state: OccupancyState) {
        occupied.set(Int64(state.occupied ? 1 : 0))
        confidence.set(state.confidence)
        for sensor in SensorKind.allCases {
            sensorUp[sensor]!.set(Int64(state.sensors[sensor] == .ok ? 1 : 0))
        }
        for event in events {
            switch event {
            case .occupancy(let o): (o.occupied ? transitionsToOccupied : transitionsToVacant).increment()
            case .sensor(let s) where s.status == .ok: reconnects[s.sensor]!.increment()
            case .sensor: break
            }
        }
    }
}
