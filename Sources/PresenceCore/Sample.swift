/// One timestamped piece of sensor data. Live capture, replay and the simulator
/// all produce this same type, so the pipeline cannot tell them apart (DESIGN.md §1).
public struct Sample: Sendable, Equatable {
    /// Capture time, nanoseconds since the Unix epoch, on the monotonic-derived clock of DESIGN.md §1.
    public var t: Int64
    public var payload: Payload

    public init(t: Int64, payload: Payload) {
        self.t = t
        self.payload = payload
    }

    public var sensor: SensorKind {
        switch payload {
        case .video: .camera
        case .audio: .audio
        case .serial: .radar
        }
    }

    public enum Payload: Sendable, Equatable {
        case video(VideoFrame)
        case audio(AudioChunk)
        case serial(SerialChunk)
    }
}

/// An 8-bit luma image, rows packed (`width` bytes per row).
public struct VideoFrame: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var luma: [UInt8]

    public init(width: Int, height: Int, luma: [UInt8]) {
        precondition(luma.count == width * height, "luma size must be width*height")
        self.width = width
        self.height = height
        self.luma = luma
    }
}

/// Mono signed 16-bit PCM. Multi-channel input is mixed down before it gets here.
public struct AudioChunk: Sendable, Equatable {
    public var sampleRate: Int
    public var samples: [Int16]

    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }
}

/// Raw bytes exactly as read from a radar UART: frames may be split or garbled.
public struct SerialChunk: Sendable, Equatable {
    public var model: RadarModel
    public var device: String
    public var bytes: [UInt8]

    public init(model: RadarModel, device: String, bytes: [UInt8]) {
        self.model = model
        self.device = device
        self.bytes = bytes
    }
}
