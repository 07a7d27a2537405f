import CFFTW3
import Synchronization

/// A real-to-complex FFTW plan and its complex-to-real inverse, with their own
/// aligned buffers, made once and reused.
/// FFTW's planner is not thread-safe, so plan creation and destruction are
/// serialised; executing a plan on its own buffers is safe. FFTW_ESTIMATE keeps
/// the chosen algorithm, and so the floating-point result, the same on every run.
final class FFTWPlan {
    private static let plannerLock = Mutex(())

    let size: Int
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: fftwf_plan
    private let inverse: fftwf_plan
    private let realOut: UnsafeMutablePointer<Float>

    init(size: Int) {
        self.size = size
        let input = fftwf_alloc_real(size)!
        let output = fftwf_alloc_complex(size / 2 + 1)!
        let realOut = fftwf_alloc_real(size)!
        // The plan pointers are only handed out of the critical section, never shared.
        nonisolated(unsafe) var made: (fftwf_plan?, fftwf_plan?)
        Self.plannerLock.withLock { _ in
            made = (fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE)),
                    // The inverse reads `output`; c2r may overwrite its input, which is refilled every call.
                    fftwf_plan_dft_c2r_1d(Int32(size), output, realOut, UInt32(FFTW_ESTIMATE)))
        }
        self.input = input
        self.output = output
        self.realOut = realOut
        plan = made.0!
        inverse = made.1!
    }

    deinit {
        nonisolated(unsafe) let plans = (plan, inverse)
        Self.plannerLock.withLock { _ in
            fftwf_destroy_plan(plans.0)
            fftwf_destroy_plan(plans.1)
        }
        fftwf_free(input)
        fftwf_free(output)
        fftwf_free(realOut)
    }

    /// Transforms `signal` (exactly `size` samples) and writes |X[k]|² for k in 0...size/2.
    func powerSpectrum(_ signal: UnsafeBufferPointer<Float>, into power: inout [Float]) {
        precondition(signal.count == size, "signal length must equal the plan size")
        input.update(from: signal.baseAddress!, count: size)
        fftwf_execute(plan)
        let bins = size / 2 + 1
        if power.count != bins { power = [Float](repeating: 0, count: bins) }
        output.withMemoryRebound(to: Float.self, capacity: 2 * bins) { c in
            for k in 0..<bins { power[k] = c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1] }
        }
    }

    /// The circular autocorrelation of the last transformed signal, from its power spectrum (Wiener-Khinchin):
    /// `r[lag]` for lag in 0..<size, unnormalised (divide by r[0]).
    func autocorrelation(fromPower power: [Float], into r: inout [Float]) {
        let bins = size / 2 + 1
        precondition(power.count == bins, "power spectrum of this plan's size")
        output.withMemoryRebound(to: Float.self, capacity: 2 * bins) { c in
            for k in 0..<bins {
                c[2 * k] = power[k]
                c[2 * k + 1] = 0
            }
        }
        fftwf_execute(inverse)
        if r.count != size { r = [Float](repeating: 0, count: size) }
        for i in 0..<size { r[i] = realOut[i] }
    }
}
