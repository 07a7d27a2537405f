import Foundation
import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceService

/// Configuration errors name the file and the key, and exit 78 (DESIGN.md §5-6).
@Suite struct ConfigCommandTests {
    static let cases: [(String, String)] = [
        ("[fusion]\nhodl = \"30s\"\n", "fusion.hodl"),
        ("[fusion]\nhold = 30\n", "fusion.hold"),
        ("[fusion]\nhold = \"30 parsecs\"\n", "fusion.hold"),
        ("[fusion]\non_threshold = 1.5\n", "fusion.on_threshold"),
        ("[fusion]\non_threshold = 0.3\noff_threshold = 0.5\n", "fusion.off_threshold"),
        ("[fusion]\nsound_alone_below = 1.2\n", "fusion.sound_alone_below"),
        ("[radar]\nmodel = \"ld9999\"\n", "radar.model"),
        ("[camera]\nwidth = \"wide\"\n", "camera.width"),
        ("[socket]\nmode = \"rw-rw----\"\n", "socket.mode"),
        ("[metrics]\nlisten = \"everywhere\"\n", "metrics.listen"),
        ("[replay]\nloop = \"yes\"\n", "replay.loop"),
        ("[log]\nlevel = \"loud\"\n", "log.level"),
        ("[fusion]\nmodel = \"/usr/share/presenced/default.model\"\n", "fusion.model"),
        ("[mqtt]\nbroker = \"mqtt.local\"\n", "mqtt.broker"),
        ("[mqtt]\nnode_id = \"living room\"\n", "mqtt.node_id"),
        ("[mqtt]\ntopic_prefix = \"home/#\"\n", "mqtt.topic_prefix"),
        ("[mqtt]\npassword = \"x\"\n", "mqtt.password"),
        ("[mqtt]\nkeepalive = \"100ms\"\n", "mqtt.keepalive"),
        ("[mqtt]\nqos = 2\n", "mqtt.qos"),
        ("[metrics]\nlisten = \"0.0.0.0:9468\"\n", "web.token"),
        ("[metrics]\nlisten = \"192.168.1.5:9468\"\n[web]\ntoken = \"\"\n", "web.token"),
        ("[web]\ntoken = \"two words\"\n", "web.token"),
        ("[web]\ncamera_preview = \"yes\"\n", "web.camera_preview"),
        ("[web]\nport = 80\n", "web.port"),
        ("[cameras]\n", "cameras"),
        ("camera = 1\n", "camera"),
    ]

    @Test(arguments: cases)
    func badKeyExits78NamingFileAndKey(toml: String, key: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.toml").path
        try toml.write(toFile: file, atomically: true, encoding: .utf8)
        for command in ["check-config", "run"] {
            let args = command == "run" ? ["run", "--config", file] : ["check-config", file]
            let r = try TestSupport.run(TestSupport.binary, args)
            #expect(r.status == 78, "\(command): \(r.stderr)")
            #expect(r.stderr.contains(file) && r.stderr.contains(key), "\(command): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        }
    }

    @Test func syntaxErrorAndMissingFileExit78() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("broken.toml").path
        try "[fusion\nhold = \"1s\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try TestSupport.presenced("check-config", file)
        #expect(r.status == 78 && r.stderr.contains("line 1"), "\(r.stderr)")
        let missing = try TestSupport.presenced("check-config", dir.appendingPathComponent("nope.toml").path)
        #expect(missing.status == 78 && missing.stderr.contains("nope.toml"))
    }

    @Test func shippedConfigsAreValid() throws {
        for name in ["presenced.toml", "demo.toml"] {
            let r = try TestSupport.presenced("check-config", TestSupport.repoRoot.appendingPathComponent("config/\(name)").path)
            #expect(r.status == 0, "\(name): \(r.stderr)")
        }
    }

    @Test func relativePathsResolveAgainstTheFile() throws {
        let c = try ConfigLoader.parse("[replay]\nfile = \"../Recordings/demo.mcap\"\n[socket]\npath = \"run/x.sock\"\n", path: "/opt/p/config/demo.toml")
        #expect(c.replay?.file == "/opt/p/Recordings/demo.mcap")
        #expect(c.socket.path == "/opt/p/config/run/x.sock")
        #expect(c.fusion.hold == 30_000_000_000)
        let m = try #require(try ConfigLoader.parse("[mqtt]\nbroker = \"[::1]:1884\"\ntopic_prefix = \"home/sensors\"\n", path: "/x.toml").mqtt)
        #expect(m.broker == ListenAddress("[::1]:1884") && m.topicPrefix == "home/sensors" && m.discoveryPrefix == "homeassistant")
        #expect(!m.resolvedNodeID.isEmpty && m.resolvedClientID == "presenced-\(m.resolvedNodeID)")
        #expect(DurationText.parse("300ms") == 300_000_000 && DurationText.parse("1.5m") == 90_000_000_000 && DurationText.parse("30") == nil)
    }
}

@Suite struct ConfigPathTests {
    @Test func pathsFromARelativeConfigFileBecomeAbsolute() throws {
        let c = try ConfigLoader.parse("[socket]\npath = \"../run/events.sock\"\n", path: "config/demo.toml")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(c.socket.path == ((cwd as NSString).appendingPathComponent("run/events.sock") as NSString).standardizingPath)
    }

    /// toml++ aborts the process on a table header that does not start with a key (found by the config
    /// fuzzer): such files must be configuration errors like any other, and valid files that merely look
    /// like it (inside strings, comments, arrays) must still load.
    @Test(arguments: ["[)mqtt]\n", "[ ~]\n", "[[)x]]\n", "[\nx]\n", "[fusion]\nhold = \"1m\"\n  [\t@x]\n"])
    func aTableHeaderWithoutAKeyIsAnErrorNotAnAbort(toml: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("header.toml").path
        try toml.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try TestSupport.presenced("check-config", file)
        #expect(r.status == 78, "\(r.stderr)")
        #expect(r.stderr.contains("a table header must start with a key"), "\(r.stderr)")
    }

    @Test func bracketsInsideValuesAreNotHeaders() throws {
        #expect(TableHeaderCheck.firstBadHeader(in: "a = \"\"\"\n[)not a header\n\"\"\"\nb = '''\n[ ~\n'''\n") == nil)
        #expect(TableHeaderCheck.firstBadHeader(in: "x = [\n  [ { a = 1 } ],\n  [ 2 ],\n]\n[fusion] # [)\n") == nil)
        #expect(TableHeaderCheck.firstBadHeader(in: "# [)x]\ns = \"[)\" # [\n[\"a b\"]\n[[ x ]]\n") == nil)
        #expect(TableHeaderCheck.firstBadHeader(in: "[a]\nx = 1\n\n  [)b]\n")?.line == 4)
    }
}
