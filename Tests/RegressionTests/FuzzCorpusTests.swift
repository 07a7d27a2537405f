import Foundation
import PresenceTestSupport
import Testing

/// Every input the fuzzers kept (Fuzz/corpus/TARGET, `make fuzz`) replayed through
/// its target in the normal build: what once crashed, or found new paths, must pass.
@Suite struct FuzzCorpusTests {
    static let corpus = TestSupport.repoRoot.appendingPathComponent("Fuzz/corpus")

    static var targets: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    @Test(arguments: targets)
    func corpusReplaysWithoutACrash(target: String) throws {
        let dir = Self.corpus.appendingPathComponent(target).path
        let inputs = try FileManager.default.contentsOfDirectory(atPath: dir).count
        #expect(inputs > 0)
        let r = try TestSupport.run(TestSupport.executable("presenced-fuzz"), [target, dir])
        #expect(r.status == 0, "\(r.stdoutText) \(r.stderr)")
        #expect(r.stdoutText.contains("\(inputs) inputs, no crash"), "\(r.stdoutText)")
    }

    @Test func everyParserHasACorpus() {
        for target in ["mcap-reader", "ld2410", "ld2450", "config", "client-input", "mqtt-decoder"] {
            #expect(Self.targets.contains(target), "no Fuzz/corpus/\(target)")
        }
    }
}
