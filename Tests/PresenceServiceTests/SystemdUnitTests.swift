import Foundation
import PresenceTestSupport
import Testing

/// The unit files in systemd/ against systemd's own tools on the host (RECIPES.md): they verify clean,
/// the service's exposure is at most 2.0, and sysusers/tmpfiles create the user and directories; and
/// `scripts/install.sh` (make install) lays out a prefix. The units under a real systemd, from the
/// Debian package: `make test-systemd`.
@Suite struct SystemdUnitTests {
    static let units = TestSupport.repoRoot.appendingPathComponent("systemd")

    @Test func unitsVerifyClean() throws {
        // verify wants ExecStart= to exist: point it at the built binary.
        let dir = try TestSupport.temporaryDirectory()
        let service = try String(contentsOf: Self.units.appendingPathComponent("presenced.service"), encoding: .utf8)
        #expect(service.contains("ExecStart=/usr/bin/presenced run"))
        try service.replacingOccurrences(of: "/usr/bin/presenced", with: TestSupport.binary)
            .write(to: dir.appendingPathComponent("presenced.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Self.units.appendingPathComponent("presenced.socket"), to: dir.appendingPathComponent("presenced.socket"))
        let r = try TestSupport.run("/usr/bin/systemd-analyze", ["verify", "--man=no",
                                                                 dir.appendingPathComponent("presenced.service").path,
                                                                 dir.appendingPathComponent("presenced.socket").path])
        #expect(r.status == 0 && r.stderr.isEmpty && r.stdoutText.isEmpty, "\(r.stdoutText)\(r.stderr)")
    }

    @Test func serviceExposureIsAtMostTwo() throws {
        let r = try TestSupport.run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--no-pager",
                                                                 Self.units.appendingPathComponent("presenced.service").path])
        let line = try #require(r.stdoutText.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(r.stdoutText)\(r.stderr)")
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first, "\(line)")
        #expect(score <= 2.0, "\(line)")
    }

    @Test func sysusersAndTmpfilesCreateTheUserAndDirectories() throws {
        let root = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let users = try TestSupport.run("/usr/bin/systemd-sysusers", ["--root=\(root.path)", Self.units.appendingPathComponent("presenced.sysusers").path])
        #expect(users.status == 0, "\(users.stderr)")
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        #expect(passwd.contains("presenced:x:") && passwd.contains(":/var/lib/presenced:/usr/sbin/nologin"), "\(passwd)")
        let dirs = try TestSupport.run("/usr/bin/systemd-tmpfiles", ["--root=\(root.path)", "--create", Self.units.appendingPathComponent("presenced.tmpfiles").path])
        #expect(dirs.status == 0, "\(dirs.stderr)")
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("var/lib/presenced/clips").path, isDirectory: &isDir) && isDir.boolValue)
    }

    @Test func installLaysOutAPrefixAndKeepsAnEditedConfiguration() throws {
        let root = try TestSupport.temporaryDirectory()
        let man = root.appendingPathComponent("presenced.8")
        try ".TH PRESENCED 8\n".write(to: man, atomically: true, encoding: .utf8)
        let script = TestSupport.repoRoot.appendingPathComponent("scripts/install.sh").path
        let env = ["DESTDIR": root.appendingPathComponent("stage").path, "PREFIX": "/opt/pd", "SYSCONFDIR": "/etc/pd"]
        let first = try TestSupport.run(script, [TestSupport.binary, man.path], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let stage = root.appendingPathComponent("stage")
        func file(_ path: String) -> String { (try? String(contentsOf: stage.appendingPathComponent(path), encoding: .utf8)) ?? "" }
        #expect(FileManager.default.isExecutableFile(atPath: stage.appendingPathComponent("opt/pd/bin/presenced").path))
        // The units name the prefix's binary and configuration.
        let service = file("opt/pd/lib/systemd/system/presenced.service")
        #expect(service.contains("ExecStart=/opt/pd/bin/presenced run --config /etc/pd/presenced/presenced.toml"), "\(service)")
        #expect(!file("opt/pd/lib/systemd/system/presenced.socket").isEmpty)
        #expect(file("opt/pd/lib/sysusers.d/presenced.conf").contains("u presenced"))
        #expect(file("opt/pd/lib/tmpfiles.d/presenced.conf").contains("/var/lib/presenced/clips"))
        #expect(FileManager.default.fileExists(atPath: stage.appendingPathComponent("opt/pd/share/man/man8/presenced.8.gz").path))
        // The configuration uses the installed model, which is the shipped one.
        let config = file("etc/pd/presenced/presenced.toml")
        #expect(config.contains("model = \"/opt/pd/share/presenced/default.model\""), "\(config)")
        let model = try Data(contentsOf: stage.appendingPathComponent("opt/pd/share/presenced/default.model"))
        #expect(model == (try Data(contentsOf: TestSupport.repoRoot.appendingPathComponent("models/default.model"))))
        // Once the model is where the configuration says, it passes check-config.
        let checkable = config.replacingOccurrences(of: "/opt/pd/share", with: stage.appendingPathComponent("opt/pd/share").path)
        let checkPath = root.appendingPathComponent("check.toml").path
        try checkable.write(toFile: checkPath, atomically: true, encoding: .utf8)
        let check = try TestSupport.presenced("check-config", checkPath)
        #expect(check.status == 0, "\(check.stderr)")

        // Installing again over an edited configuration keeps it and puts the new default beside it.
        try (config + "\n# edited\n").write(to: stage.appendingPathComponent("etc/pd/presenced/presenced.toml"), atomically: true, encoding: .utf8)
        let second = try TestSupport.run(script, [TestSupport.binary, man.path], environment: env)
        #expect(second.status == 0 && second.stderr.contains("kept your"), "\(second.stderr)")
        #expect(file("etc/pd/presenced/presenced.toml").hasSuffix("# edited\n"))
        #expect(file("etc/pd/presenced/presenced.toml.new") == config)

        let relative = try TestSupport.run(script, [TestSupport.binary, man.path], environment: ["PREFIX": "usr"])
        #expect(relative.status == 64, "\(relative.stderr)")
    }
}
