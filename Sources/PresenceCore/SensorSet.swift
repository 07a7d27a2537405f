/// A set of modalities as three bits: the pipeline builds one every tick, and a
/// `Set<SensorKind>` would allocate its storage each time. Iterates in
/// `SensorKind.allCases` order (camera, audio, radar).
public struct SensorSet: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral {
    public private(set) var rawValue: UInt8

    public init() { rawValue = 0 }

    public init<S: Sequence>(_ sensors: S) where S.Element == SensorKind {
        rawValue = sensors.reduce(0) { $0 | 1 << $1.bit }
    }

    public init(arrayLiteral sensors: SensorKind...) { self.init(sensors) }

    /// Just `sensor` (no array on the way, unlike a literal).
    public init(only sensor: SensorKind) { rawValue = 1 << sensor.bit }

    public static let all = SensorSet(SensorKind.allCases)

    public var isEmpty: Bool { rawValue == 0 }

    public func contains(_ sensor: SensorKind) -> Bool { rawValue & 1 << sensor.bit != 0 }

    @discardableResult
    public mutating func insert(_ sensor: SensorKind) -> Bool {
        defer { rawValue |= 1 << sensor.bit }
        return !contains(sensor)
    }

    @discardableResult
    public mutating func remove(_ sensor: SensorKind) -> SensorKind? {
        defer { rawValue &= ~(1 << sensor.bit) }
        return contains(sensor) ? sensor : nil
    }

    public var count: Int { rawValue.nonzeroBitCount }

    public mutating func formUnion(_ other: SensorSet) { rawValue |= other.rawValue }

    public struct Iterator: IteratorProtocol {
        var remaining: UInt8

        public mutating func next() -> SensorKind? {
            guard remaining != 0 else { return nil }
            let bit = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return SensorKind.byBit[bit]
        }
    }

    public func makeIterator() -> Iterator { Iterator(remaining: rawValue) }
}

/// Each modality's own score, 0...1, for the modalities that have one: an
/// allocation-free stand-in for `[SensorKind: Double]` with the same literal,
/// subscript and iteration (in `SensorKind.allCases` order).
public struct SensorScores: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private var camera: Double?
    private var audio: Double?
    private var radar: Double?

    public init() {}

    public init(dictionaryLiteral elements: (SensorKind, Double)...) {
        for (sensor, score) in elements { self[sensor] = score }
    }

    public subscript(sensor: SensorKind) -> Double? {
        get {
            switch sensor {
            case .camera: camera
            case .audio: audio
            case .radar: radar
            }
        }
        set {
            switch sensor {
            case .camera: camera = newValue
            case .audio: audio = newValue
            case .radar: radar = newValue
            }
        }
    }

    public var isEmpty: Bool { camera == nil && audio == nil && radar == nil }

    public struct Iterator: IteratorProtocol {
        let scores: SensorScores
        var sensors = SensorSet.all.makeIterator()

        public mutating func next() -> (key: SensorKind, value: Double)? {
            while let s = sensors.next() {
                if let v = scores[s] { return (s, v) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(scores: self) }
}

extension SensorKind {
    /// The modality of each bit.
    static let byBit: [SensorKind] = [.camera, .audio, .radar]

    /// Bit of this modality in a `SensorSet` (its place in `allCases`).
    var bit: UInt8 {
        switch self {
        case .camera: 0
        case .audio: 1
        case .radar: 2
        }
    }
}
