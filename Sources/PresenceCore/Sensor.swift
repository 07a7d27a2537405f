/// The three modalities presenced fuses. The raw value is the name used on the
/// socket, in metrics labels and in configuration section names.
public enum SensorKind: String, Sendable, CaseIterable, Hashable, Comparable {
    case camera, audio, radar

    public static func < (a: SensorKind, b: SensorKind) -> Bool { a.order < b.order }
    private var order: Int { SensorKind.allCases.firstIndex(of: self)! }
}

/// Health of one sensor as published in `sensor` events (DESIGN.md §4).
public enum SensorStatus: String, Sendable, Hashable {
    case ok, degraded, lost
}

/// Which radar module produced a byte stream; the parsers differ.
public enum RadarModel: String, Sendable, Hashable, CaseIterable {
    case ld2410, ld2450
}
