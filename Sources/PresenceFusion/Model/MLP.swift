import Foundation

/// A small multilayer perceptron, float32: dense layers with ReLU between them
/// and a logistic output. Weights are row-major, one row of `inputs` weights per
/// output. The dot products run 8 lanes at a time (`forward`); `forwardScalar`
/// is the plain twin a test compares it with.
public struct MLP: Sendable, Equatable {
    public enum Activation: String, Sendable, Codable {
        case relu, identity
    }

    public struct Layer: Sendable, Equatable {
        public var inputs: Int
        public var outputs: Int
        /// outputs × inputs, row-major.
        public var weights: [Float]
        public var bias: [Float]
        public var activation: Activation

        public init(inputs: Int, outputs: Int, weights: [Float], bias: [Float], activation: Activation) {
            precondition(weights.count == inputs * outputs && bias.count == outputs, "layer shape")
            (self.inputs, self.outputs, self.weights, self.bias, self.activation) = (inputs, outputs, weights, bias, activation)
        }
    }

    public let layers: [Layer]
    /// The widest layer: the scratch space `forward` needs, twice over (computed once: this runs every tick).
    public let widest: Int

    public init(layers: [Layer]) {
        precondition(!layers.isEmpty && layers.last!.outputs == 1, "an MLP ends in one output (the logit)")
        for (a, b) in zip(layers, layers.dropFirst()) { precondition(a.outputs == b.inputs, "layer sizes must chain") }
        self.layers = layers
        widest = layers.map { max($0.inputs, $0.outputs) }.max()!
    }

    public var inputCount: Int { layers[0].inputs }

    /// The logit for `input` (p = 1/(1+e^-logit)). Uses the stack for its scratch space: nothing is allocated.
    public func logit(_ input: UnsafeBufferPointer<Float>) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * widest) { scratch in
            forward(input, scratch: scratch, scalar: false)
        }
    }

    /// Scalar twin of `logit`.
    public func logitScalar(_ input: UnsafeBufferPointer<Float>) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * widest) { scratch in
            forward(input, scratch: scratch, scalar: true)
        }
    }

    private func forward(_ input: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>, scalar: Bool) -> Float {
        precondition(input.count >= inputCount, "input of \(input.count) values, the model takes \(inputCount)")
        let w = widest
        var source = input
        var flip = false
        for layer in layers {
            let out = UnsafeMutableBufferPointer(rebasing: scratch[(flip ? w : 0)..<((flip ? w : 0) + layer.outputs)])
            layer.weights.withUnsafeBufferPointer { weights in
                for o in 0..<layer.outputs {
                    let row = UnsafeBufferPointer(rebasing: weights[(o * layer.inputs)..<((o + 1) * layer.inputs)])
                    let dot = scalar ? Self.dotScalar(row, source) : Self.dot(row, source)
                    let v = dot + layer.bias[o]
                    out[o] = layer.activation == .relu ? max(0, v) : v
                }
            }
            source = UnsafeBufferPointer(out)
            flip.toggle()
        }
        return source[0]
    }

    /// Σ a[i]·b[i] over a.count values, 8 lanes at a time, the lanes summed at the end.
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let n = a.count
        var acc = SIMD8<Float>()
        var i = 0
        let pa = UnsafeRawPointer(a.baseAddress!), pb = UnsafeRawPointer(b.baseAddress!)
        while i + 8 <= n {
            acc += pa.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * pb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        var tail: Float = 0
        while i < n {
            tail += a[i] * b[i]
            i += 1
        }
        return acc.sum() + tail
    }

    /// Scalar twin of `dot`: the same sums in the same order (lane by lane, then the lanes, then the tail).
    static func dotScalar(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let n = a.count
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            for l in 0..<8 { lanes[l] += a[i + l] * b[i + l] }
            i += 8
        }
        var tail: Float = 0
        while i < n {
            tail += a[i] * b[i]
            i += 1
        }
        return lanes.sum() + tail
    }

    public static func logistic(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
}
