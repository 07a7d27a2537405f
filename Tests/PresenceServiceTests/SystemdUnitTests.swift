import Foundation
import PresenceTestSupport
import Testing

/// The unit files in systemd/ against systemd's own tools on the host (RECIPES.md): they verify clean,
/// the service's exposure is at most 2.0, and sysusers/tmpfiles create the user and directories.
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
}
