import Foundation
import PresenceCore

/// The MLP while it learns: the same shape as `MLP` (ReLU hidden layers, one
/// logit out), with a backward pass. Weights are row-major, output by input.
struct Network {
    let sizes: [Int]
    var weights: [[Float]]
    var biases: [[Float]]

    /// He-uniform weights (suits ReLU) from the seeded generator, zero biases.
    init(sizes: [Int], rng: inout SplitMix64) {
        self.sizes = sizes
        weights = []
        biases = []
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let limit = (6 / Float(fanIn)).squareRoot()
            var w = [Float](repeating: 0, count: fanIn * fanOut)
            for i in w.indices {
                let u = Float(rng.next() >> 40) / Float(1 << 24)
                w[i] = (2 * u - 1) * limit
            }
            weights.append(w)
            biases.append([Float](repeating: 0, count: fanOut))
        }
    }

    var layerCount: Int { sizes.count - 1 }

    struct Workspace {
        /// Per layer: the values after the activation (the last layer's is the logit).
        var outputs: [[Float]]
        /// Per layer: d loss / d (pre-activation value).
        var deltas: [[Float]]
    }

    func workspace() -> Workspace {
        let shapes = sizes.dropFirst().map { [Float](repeating: 0, count: $0) }
        return Workspace(outputs: shapes, deltas: shapes)
    }

    func zeros() -> Gradients {
        Gradients(weights: weights.map { [Float](repeating: 0, count: $0.count) }, biases: biases.map { [Float](repeating: 0, count: $0.count) })
    }

    func logit(_ input: [Float], work: inout Workspace) -> Float {
        forward(input, &work)
        return work.outputs[layerCount - 1][0]
    }

    private func forward(_ input: [Float], _ work: inout Workspace) {
        for l in 0..<layerCount {
            let n = sizes[l], m = sizes[l + 1], last = l == layerCount - 1
            let x = l == 0 ? input : work.outputs[l - 1]
            weights[l].withUnsafeBufferPointer { w in
                x.withUnsafeBufferPointer { x in
                    work.outputs[l].withUnsafeMutableBufferPointer { out in
                        for o in 0..<m {
                            var s = biases[l][o]
                            let row = o * n
                            for i in 0..<n { s += w[row + i] * x[i] }
                            out[o] = last ? s : max(0, s)
                        }
                    }
                }
            }
        }
    }

    /// Adds one example's gradient of `weight` × logistic loss to `grads`.
    func accumulate(_ input: [Float], target: Float, weight: Float, into grads: inout Gradients, work: inout Workspace) {
        forward(input, &work)
        let z = work.outputs[layerCount - 1][0]
        // d/dz of the logistic loss: sigmoid(z) - y.
        work.deltas[layerCount - 1][0] = weight * (1 / (1 + exp(-z)) - target)
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            let n = sizes[l], m = sizes[l + 1]
            let x = l == 0 ? input : work.outputs[l - 1]
            for o in 0..<m {
                let d = work.deltas[l][o]
                guard d != 0 else { continue }
                grads.biases[l][o] += d
                let row = o * n
                grads.weights[l].withUnsafeMutableBufferPointer { g in
                    x.withUnsafeBufferPointer { x in
                        for i in 0..<n { g[row + i] += d * x[i] }
                    }
                }
            }
            guard l > 0 else { break }
            // Back through the weights, then through the ReLU of the layer below.
            for i in 0..<n {
                var s: Float = 0
                for o in 0..<m { s += weights[l][o * n + i] * work.deltas[l][o] }
                work.deltas[l - 1][i] = work.outputs[l - 1][i] > 0 ? s : 0
            }
        }
    }

    func layers() -> [ModelFile.Layer] {
        (0..<layerCount).map { l in
            ModelFile.Layer(inputs: sizes[l], outputs: sizes[l + 1], activation: l == layerCount - 1 ? .identity : .relu,
                            weights: weights[l], bias: biases[l])
        }
    }
}

struct Gradients {
    var weights: [[Float]]
    var biases: [[Float]]

    mutating func clear() {
        for l in weights.indices {
            weights[l].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            biases[l].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    mutating func scale(_ k: Float) {
        for l in weights.indices {
            for i in weights[l].indices { weights[l][i] *= k }
            for i in biases[l].indices { biases[l][i] *= k }
        }
    }
}

/// Adam (Kingma & Ba), with the usual defaults.
struct Adam {
    let rate: Float
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    private var m: Gradients
    private var v: Gradients
    private var t = 0

    init(like net: Network, rate: Float) {
        self.rate = rate
        m = net.zeros()
        v = net.zeros()
    }

    mutating func step(_ net: inout Network, _ g: Gradients) {
        t += 1
        let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
        func update(_ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float]) {
            for i in p.indices {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                p[i] -= rate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
            }
        }
        for l in net.weights.indices {
            update(&net.weights[l], g.weights[l], &m.weights[l], &v.weights[l])
            update(&net.biases[l], g.biases[l], &m.biases[l], &v.biases[l])
        }
    }
}
