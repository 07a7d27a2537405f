import Foundation
import PresenceCore
import Testing
@testable import PresenceDSP

/// The spectrum-to-decibels kernel against its scalar twin (bit for bit) and against libm's log10.
@Suite struct DecibelsTests {
    /// Powers across the whole range a spectrum holds: 0, tiny, around 1, huge; lengths off the vector width.
    static func powers(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in
            switch i % 5 {
            case 0: 0
            case 1: Float(rng.next() % 1000) * 1e-15
            case 2: Float(rng.next() % 100_000) / 1000
            case 3: Float(bitPattern: UInt32(rng.next() % 0x7F00_0000))
            default: Float(rng.next() % 1_000_000) * 1e6
            }
        }
    }

    @Test(arguments: [1, 7, 8, 9, 257, 1000])
    func simdMatchesItsScalarTwin(n: Int) {
        let p = Self.powers(n, seed: UInt64(n))
        var simd = [Float](repeating: .nan, count: n), scalar = simd
        p.withUnsafeBufferPointer { src in
            simd.withUnsafeMutableBufferPointer { Decibels.fromPower(src, into: $0) }
            scalar.withUnsafeMutableBufferPointer { Decibels.fromPowerScalar(src, into: $0) }
        }
        #expect(simd == scalar)
    }

    @Test func agreesWithLibm() {
        let p = Self.powers(5000, seed: 42) + [0, 1, 2, 1.414_213_5, 1.414_213_7, 1e-12, .greatestFiniteMagnitude]
        var db = [Float](repeating: 0, count: p.count)
        p.withUnsafeBufferPointer { src in db.withUnsafeMutableBufferPointer { Decibels.fromPower(src, into: $0) } }
        let worst = zip(p, db).map { abs(Double($1) - 10 * log10(Double($0) + 1e-12)) }.max()!
        #expect(worst < 1e-4, "worst error \(worst) dB")
        #expect(abs(db[p.count - 7] + 120) < 1e-4, "silence is -120 dB, got \(db[p.count - 7])")
    }
}
