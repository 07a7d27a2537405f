import Foundation
import PresenceDSP

/// The LD2450 zones drawn on the live page, kept in `[state] dir` (`zones.json`, written atomically) so that
/// they survive a restart. The file is the zones' JSON (RadarZones: `zones` with `kind`, `name`, `xMin`,
/// `xMax`, `yMin`, `yMax` in metres, and `range`).
enum ZonesFile {
    static let fileName = "zones.json"

    static func path(in stateDir: String) -> String { stateDir + "/" + fileName }

    /// The zones from `json` (a request's body or the file), or why they cannot be used.
    static func decode(_ json: [UInt8]) -> Result<RadarZones, ZonesProblem> {
        let zones: RadarZones
        do {
            zones = try JSONDecoder().decode(RadarZones.self, from: Data(json))
        } catch {
            return .failure(ZonesProblem(description: #"expected {"zones":[{"kind":"include"|"exclude","name":…,"xMin":…,"xMax":…,"yMin":…,"yMax":…}],"range":… (metres; optional)}"#))
        }
        if let problem = zones.problem { return .failure(ZonesProblem(description: problem)) }
        return .success(zones)
    }

    static func encode(_ zones: RadarZones) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(zones)) ?? Data("{\"zones\":[]}".utf8))
    }

    /// The saved zones; none when there is no file, and none (with the reason) when it cannot be used.
    static func load(stateDir: String) -> (zones: RadarZones, problem: String?) {
        guard let data = FileManager.default.contents(atPath: path(in: stateDir)) else { return (RadarZones(), nil) }
        switch decode(Array(data)) {
        case .success(let zones): return (zones, nil)
        case .failure(let problem): return (RadarZones(), "\(path(in: stateDir)): \(problem.description)")
        }
    }

    static func save(_ zones: RadarZones, stateDir: String) throws(ServerError) {
        try? FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        try RoomStateFile.writeAtomically(encode(zones), to: path(in: stateDir))
    }
}

struct ZonesProblem: Error, CustomStringConvertible {
    var description: String
}
