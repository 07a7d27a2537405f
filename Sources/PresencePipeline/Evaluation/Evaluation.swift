import PresenceCore

/// The result of `presenced eval`: every recording's score and their sums, per
/// condition and per modality. Encoded as the report's metrics.json.
public struct Evaluation: Sendable, Codable {
    public struct Settings: Sendable, Codable {
        public var tickSeconds: Double
        public var holdSeconds: Double
        public var onThreshold: Double
        public var offThreshold: Double
        public var model: String

        public init(tickSeconds: Double, holdSeconds: Double, onThreshold: Double, offThreshold: Double, model: String) {
            self.tickSeconds = tickSeconds
            self.holdSeconds = holdSeconds
            self.onThreshold = onThreshold
            self.offThreshold = offThreshold
            self.model = model
        }
    }

    /// Latencies in seconds: how many, and their median, 95th percentile (nearest rank) and maximum.
    public struct Latency: Sendable, Codable, Equatable {
        public var count: Int
        public var median: Double?
        public var p95: Double?
        public var max: Double?

        public init(_ values: [Double]) {
            let v = values.sorted()
            count = v.count
            median = v.isEmpty ? nil : (v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2)
            p95 = v.isEmpty ? nil : v[Swift.max(0, Int((0.95 * Double(v.count)).rounded(.up)) - 1)]
            max = v.last
        }
    }

    /// Sums over a set of recordings.
    public struct Totals: Sendable, Codable {
        public var recordings: Int
        public var emptySeconds: Double
        public var occupiedSeconds: Double
        public var ticks: Confusion
        public var entryLatency: Latency
        public var missedEntries: Int
        public var exitLatency: Latency
        public var unclearedExits: Int
        public var falseAlarms: Int
        /// Occupied events per hour of labelled-empty time; nil without empty time.
        public var falseAlarmsPerEmptyHour: Double?
        public var falseVacancies: Int
        public var falseVacanciesPerOccupiedHour: Double?

        public init(_ scores: [RecordingScore]) {
            recordings = scores.count
            emptySeconds = scores.reduce(0) { $0 + $1.emptySeconds }
            occupiedSeconds = scores.reduce(0) { $0 + $1.occupiedSeconds }
            ticks = scores.reduce(Confusion()) { $0 + $1.ticks }
            entryLatency = Latency(scores.flatMap(\.entryLatencies))
            missedEntries = scores.reduce(0) { $0 + $1.missedEntries.count }
            exitLatency = Latency(scores.flatMap(\.exitLatencies))
            unclearedExits = scores.reduce(0) { $0 + $1.unclearedExits.count }
            falseAlarms = scores.reduce(0) { $0 + $1.falseAlarms.count }
            falseAlarmsPerEmptyHour = emptySeconds > 0 ? Double(falseAlarms) * 3600 / emptySeconds : nil
            falseVacancies = scores.reduce(0) { $0 + $1.falseVacancies.count }
            falseVacanciesPerOccupiedHour = occupiedSeconds > 0 ? Double(falseVacancies) * 3600 / occupiedSeconds : nil
        }
    }

    public struct Recording: Sendable, Codable {
        public var path: String
        public var score: RecordingScore
        public var totals: Totals
    }

    /// Another detector or another set of sensors, scored on the same recordings' ticks.
    public struct Comparison: Sendable, Codable {
        public var name: String
        public var overall: Totals
        public var conditions: [String: Confusion]

        public init(name: String, settings: Settings, traces: [RecordingTrace], tickPeriod: Int64) {
            let e = Evaluation(settings: settings, traces: traces, tickPeriod: tickPeriod)
            self.name = name
            overall = e.overall
            conditions = e.conditions
        }
    }

    public var settings: Settings
    public var overall: Totals
    public var recordings: [Recording]
    /// Ticks of all recordings by label condition.
    public var conditions: [String: Confusion]
    /// Each modality alone (its own score at least 0.5), over all recordings.
    public var modalities: [String: Confusion]
    /// Per label condition, over all recordings: how often its stretches switched a vacant room on.
    public var switchedOn: [String: RecordingScore.SwitchCount]
    /// presenced with each sensor removed, and the simplest baselines, side by side (filled by the caller).
    public var comparisons: [Comparison] = []

    public init(settings: Settings, traces: [RecordingTrace], tickPeriod: Int64) {
        self.settings = settings
        let hold = Int64((settings.holdSeconds * 1e9).rounded())
        let scores = traces.map { RecordingScore($0, tickPeriod: tickPeriod, hold: hold) }
        recordings = zip(traces, scores).map { Recording(path: $0.path, score: $1, totals: Totals([$1])) }
        overall = Totals(scores)
        conditions = scores.reduce(into: [:]) { acc, s in acc.merge(s.conditions, uniquingKeysWith: +) }
        modalities = scores.reduce(into: [:]) { acc, s in acc.merge(s.modalities, uniquingKeysWith: +) }
        switchedOn = scores.reduce(into: [:]) { acc, s in acc.merge(s.switchedOn, uniquingKeysWith: +) }
    }
}
