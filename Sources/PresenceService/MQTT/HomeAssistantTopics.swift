import Foundation
import NIOCore
import PresenceCore

/// What presenced publishes over MQTT, as Home Assistant's MQTT discovery expects it: one
/// `binary_sensor` with device class `occupancy`, and one `connectivity` diagnostic per sensor. Every
/// message is retained, so a subscriber (or Home Assistant after its restart) sees the current state at
/// once; the availability topic says `offline` through the broker's last will when presenced is gone.
///
/// Topics, with `<base>` = `<topic_prefix>/<node id>`:
/// - `<base>/availability`: `online` | `offline`
/// - `<base>/occupancy`: `ON` | `OFF`
/// - `<base>/attributes`: `{"confidence":…,"since":"RFC 3339","sources":{…},"sensors":{…}}` at the last change
/// - `<base>/sensor/<camera|audio|radar>`: `ON` while the sensor delivers data (`ok`), else `OFF`
/// - `<discovery_prefix>/binary_sensor/<node id>/<object>/config`: the discovery documents
struct HomeAssistantTopics: Sendable {
    let nodeID: String
    let deviceName: String
    let base: String
    let discoveryPrefix: String
    let version: String

    init(config: PresenceConfig.MQTT, version: String) {
        nodeID = config.resolvedNodeID
        deviceName = config.name
        base = "\(config.topicPrefix)/\(nodeID)"
        discoveryPrefix = config.discoveryPrefix
        self.version = version
    }

    var availability: String { "\(base)/availability" }
    var occupancy: String { "\(base)/occupancy" }
    var attributes: String { "\(base)/attributes" }
    func sensor(_ s: SensorKind) -> String { "\(base)/sensor/\(s.rawValue)" }
    /// A zone's state topic: its name made a topic word (`Reading chair` → `reading_chair`).
    func zone(_ name: String) -> String { "\(base)/zone/\(Self.slug(name))" }
    /// Home Assistant publishes `online` here when it starts: the cue to publish discovery again.
    var homeAssistantStatus: String? { discoveryPrefix.isEmpty ? nil : "\(discoveryPrefix)/status" }

    static let online = "online", offline = "offline"

    /// The occupancy entity's discovery document (topic and JSON).
    var occupancyDiscovery: (topic: String, payload: String)? {
        guard !discoveryPrefix.isEmpty else { return nil }
        var w = entity(object: "occupancy", name: "Occupancy", stateTopic: occupancy)
        w.string("device_class", "occupancy")
        w.string("json_attributes_topic", attributes)
        w.raw("device", device())
        return ("\(discoveryPrefix)/binary_sensor/\(nodeID)/occupancy/config", w.finish())
    }

    func sensorDiscovery(_ s: SensorKind) -> (topic: String, payload: String)? {
        guard !discoveryPrefix.isEmpty else { return nil }
        var w = entity(object: s.rawValue, name: s.rawValue.capitalized, stateTopic: sensor(s))
        w.string("device_class", "connectivity")
        w.string("entity_category", "diagnostic")
        w.raw("device", device())
        return ("\(discoveryPrefix)/binary_sensor/\(nodeID)/\(s.rawValue)/config", w.finish())
    }

    /// An LD2450 include zone's occupancy entity (drawn on the live page); `nil` payload: the zone is gone (an
    /// empty retained config removes the entity from Home Assistant).
    func zoneDiscovery(_ name: String, removed: Bool = false) -> (topic: String, payload: String)? {
        guard !discoveryPrefix.isEmpty else { return nil }
        let topic = "\(discoveryPrefix)/binary_sensor/\(nodeID)/zone_\(Self.slug(name))/config"
        if removed { return (topic, "") }
        var w = entity(object: "zone_\(Self.slug(name))", name: "Zone \(name)", stateTopic: zone(name))
        w.string("device_class", "occupancy")
        w.raw("device", device())
        return (topic, w.finish())
    }

    static func slug(_ name: String) -> String {
        let lowered = name.lowercased().unicodeScalars.map { PresenceConfig.MQTT.isTopicWordCharacter($0) ? Character($0) : "_" }
        return lowered.isEmpty ? "_" : String(lowered)
    }

    private func entity(object: String, name: String, stateTopic: String) -> JSONObjectWriter {
        var w = JSONObjectWriter()
        w.string("name", name)
        w.string("unique_id", "presenced_\(nodeID)_\(object)")
        w.string("state_topic", stateTopic)
        w.string("payload_on", "ON")
        w.string("payload_off", "OFF")
        w.string("availability_topic", availability)
        w.string("payload_available", Self.online)
        w.string("payload_not_available", Self.offline)
        return w
    }

    private func device() -> String {
        var d = JSONObjectWriter()
        d.raw("identifiers", "[\(JSONObjectWriter.quote("presenced_\(nodeID)"))]")
        d.string("name", deviceName)
        d.string("manufacturer", "presenced")
        d.string("model", "presenced sensor fusion")
        d.string("sw_version", version)
        return d.finish()
    }

    static func onOff(_ on: Bool) -> String { on ? "ON" : "OFF" }

    /// The attributes document of `state` (its confidence is that of the tick that changed it); `count`: the
    /// people a radar that can count (an LD2450) saw at that change.
    static func attributes(of state: OccupancyState, sources: SensorScores?, count: Int? = nil) -> String {
        var w = JSONObjectWriter()
        w.number("confidence", state.confidence)
        if state.since > 0 { w.string("since", Nanos.rfc3339(state.since)) }  // 0: nothing decided yet
        if let sources {
            var s = JSONObjectWriter()
            for (sensor, score) in sources { s.number(sensor.rawValue, score) }
            w.raw("sources", s.finish())
        }
        if let count { w.raw("count", String(count)) }
        var s = JSONObjectWriter()
        for (sensor, status) in state.sensors.sorted(by: { $0.key < $1.key }) { s.string(sensor.rawValue, status.rawValue) }
        w.raw("sensors", s.finish())
        return w.finish()
    }
}

extension PresenceConfig.MQTT {
    /// `node_id`, or this machine's host name with anything but letters, digits, `_` and `-` made `_`.
    public var resolvedNodeID: String {
        if !nodeID.isEmpty { return nodeID }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        let cleaned = String(host.unicodeScalars.map { Self.isTopicWordCharacter($0) ? Character($0) : "_" })
        return cleaned.isEmpty ? "presenced" : cleaned
    }

    /// What a node id (and each level of a prefix) may hold: ASCII letters, digits, `_` and `-` — no MQTT
    /// wildcards, separators or spaces.
    static func isTopicWordCharacter(_ u: Unicode.Scalar) -> Bool {
        (u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u))) || u == "_" || u == "-"
    }

    public var resolvedClientID: String { clientID.isEmpty ? "presenced-\(resolvedNodeID)" : clientID }
}
