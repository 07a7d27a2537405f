import Foundation
import PresenceTestSupport
import Testing

/// Every corpus recording replayed through the real binary, its events compared
/// byte for byte with its golden file. A golden file changes only through
/// `make golden`, which shows what changed in words.
@Suite struct RegressionTests {
    @Test(arguments: try Corpus.entries())
    func replayMatchesGoldenEvents(_ entry: Corpus.Entry) throws {
        let recording = try Corpus.ensure(entry)
        let r = try TestSupport.presenced("replay", recording)
        #expect(r.status == 0, "\(entry.file): \(r.stderr)")
        guard let golden = FileManager.default.contents(atPath: entry.goldenPath) else {
            Issue.record("\(entry.name): no golden events file \(entry.goldenPath); `make golden` writes it")
            return
        }
        guard r.stdout != golden else { return }
        let got = r.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        let want = String(decoding: golden, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        Issue.record("""
            \(entry.name): events differ from \(entry.goldenPath) (\(got.count - 1) lines now, \(want.count - 1) golden); first difference at line \(first + 1):
              golden: \(first < want.count ? want[first] : "(end)")
              now:    \(first < got.count ? got[first] : "(end)")
            If the change is intended, `make golden` shows it in words and accepts it.
            """)
    }

    /// The corpus covers what users complain about (issue 4): at least 12 scenes, each with golden events.
    @Test func corpusIsCompleteAndEveryGoldenFileHasARecording() throws {
        let entries = try Corpus.entries()
        #expect(entries.count >= 12)
        #expect(Set(entries.map(\.name)).count == entries.count, "two recordings share a name: golden files would collide")
        let golden = try FileManager.default.contentsOfDirectory(atPath: Corpus.directory.appendingPathComponent("golden").path)
        let orphans = Set(golden.map { $0.replacingOccurrences(of: ".jsonl", with: "") }).subtracting(entries.map(\.name))
        #expect(orphans.isEmpty, "golden files without a recording: \(orphans.sorted())")
    }
}
