import Foundation

/// A second-order IIR section with the coefficients of Robert Bristow-Johnson's
/// "Audio EQ Cookbook", in transposed direct form II (one multiply-add chain per
/// sample, two state values). Coefficients are normalised so that a0 = 1.
public struct Biquad: Sendable {
    public enum Kind: Sendable {
        case lowpass, highpass, bandpass
    }

    public let b0: Float, b1: Float, b2: Float, a1: Float, a2: Float
    private var z1: Float = 0, z2: Float = 0

    /// `frequency` (the corner, or the centre of a band-pass) and `rate` in Hz; `q` is the quality
    /// (1/√2: the flattest pass band for low- and high-pass; for a band-pass, the centre over the bandwidth).
    public init(_ kind: Kind, frequency: Double, rate: Double, q: Double = 0.5.squareRoot()) {
        let w0 = 2 * Double.pi * frequency / rate
        let alpha = sin(w0) / (2 * q), c = cos(w0)
        let (b0, b1, b2): (Double, Double, Double) = switch kind {
        case .lowpass: ((1 - c) / 2, 1 - c, (1 - c) / 2)
        case .highpass: ((1 + c) / 2, -(1 + c), (1 + c) / 2)
        // Constant 0 dB peak gain.
        case .bandpass: (alpha, 0, -alpha)
        }
        let a0 = 1 + alpha
        self.b0 = Float(b0 / a0)
        self.b1 = Float(b1 / a0)
        self.b2 = Float(b2 / a0)
        a1 = Float(-2 * c / a0)
        a2 = Float((1 - alpha) / a0)
    }

    public mutating func process(_ x: Float) -> Float {
        let y = b0 * x + z1
        z1 = b1 * x - a1 * y + z2
        z2 = b2 * x - a2 * y
        return y
    }

    public mutating func reset() {
        z1 = 0
        z2 = 0
    }

    /// The filter's gain |H(e^jw)| at `frequency`, from its coefficients (what the tests compare a sine's
    /// measured gain with).
    public func gain(at frequency: Double, rate: Double) -> Double {
        let w = 2 * Double.pi * frequency / rate
        func mag(_ c0: Double, _ c1: Double, _ c2: Double) -> Double {
            let re = c0 + c1 * cos(w) + c2 * cos(2 * w), im = -(c1 * sin(w) + c2 * sin(2 * w))
            return (re * re + im * im).squareRoot()
        }
        return mag(Double(b0), Double(b1), Double(b2)) / mag(1, Double(a1), Double(a2))
    }
}
