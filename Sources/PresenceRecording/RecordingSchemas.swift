import Foundation
import PresenceCore

/// Topics, encodings and schemas of a presenced recording (DESIGN.md §3).
enum RecordingTopic {
    static let camera = "/camera/image"
    static let audio = "/audio"
    static let labels = "/labels/occupancy"
    static let events = "/events/occupancy"
    static func radar(_ model: RadarModel) -> String { "/radar/\(model.rawValue)" }

    /// The protobuf schema name each sensor topic must carry.
    static func schemaName(forTopic topic: String) -> String? {
        switch topic {
        case camera: "foxglove.RawImage"
        case audio: "foxglove.RawAudio"
        case radar(.ld2410), radar(.ld2450): "presence.SerialChunk"
        default: nil
        }
    }

    static func descriptor(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64)!) }

    static let labelSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"presence.OccupancyLabel","description":"Ground truth: holds from its log_time until the next label","type":"object","properties":{"occupied":{"type":"boolean"},"count":{"type":"integer","minimum":0},"condition":{"type":"string"}},"required":["occupied"]}
    """

    static let eventSchema = """
    {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"presence.Event","description":"An event a live daemon published on its socket (DESIGN.md section 4)","type":"object","properties":{"type":{"type":"string","enum":["occupancy","sensor"]},"seq":{"type":"integer"},"t":{"type":"integer"},"time":{"type":"string"},"occupied":{"type":"boolean"},"confidence":{"type":"number"},"sources":{"type":"object","additionalProperties":{"type":"number"}},"sensor":{"type":"string"},"status":{"type":"string","enum":["ok","degraded","lost"]},"reason":{"type":"string"}},"required":["type","seq","t"]}
    """
}
