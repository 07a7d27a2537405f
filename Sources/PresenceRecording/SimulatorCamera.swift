import Foundation
import PresenceCore

/// Renders the room as a 320x240 mono8 camera would see it: a fixed background
/// (walls, floor, furniture, texture), the person as a dark body with a lighter
/// head in perspective, and per-frame sensor noise (σ ≈ 1.6 grey levels).
struct SimulatedCamera {
    static let width = 320
    static let height = 240
    static let fps = 15
    /// Focal length in pixels (about 63° horizontal field of view).
    static let focal = 260.0
    static let cameraHeight = 1.4

    private let background: [UInt8]
    private var rng: SimRandom

    init(seed: UInt64) {
        rng = SimRandom(seed: seed, stream: 1)
        var layout = SimRandom(seed: seed, stream: 2)
        background = Self.makeBackground(&layout)
    }

    mutating func frame(person: PersonState?, time: Double) -> VideoFrame {
        var img = background
        if let person { draw(person, time: time, into: &img) }
        addNoise(&img)
        return VideoFrame(width: Self.width, height: Self.height, luma: img)
    }

    private static func makeBackground(_ r: inout SimRandom) -> [UInt8] {
        let w = width, h = height
        var img = [UInt8](repeating: 0, count: w * h)
        let wallTone = r.uniform(150, 175), floorTone = r.uniform(95, 115)
        // Furniture: a few rectangles at fixed random places, darker or lighter than the wall.
        let boxes = (0..<4).map { _ -> (Int, Int, Int, Int, Double) in
            let x0 = Int(r.uniform(0, 280)), y0 = Int(r.uniform(60, 190))
            return (x0, y0, x0 + Int(r.uniform(20, 60)), y0 + Int(r.uniform(20, 50)), r.uniform(70, 210))
        }
        for y in 0..<h {
            for x in 0..<w {
                var v = y < 130 ? wallTone - Double(y) * 0.08 : floorTone + Double(y - 130) * 0.12
                v += 4 * ((x / 8 + y / 8) % 2 == 0 ? 1 : -1) // low-contrast texture for a realistic background
                for b in boxes where x >= b.0 && x < b.2 && y >= b.1 && y < b.3 { v = b.4 }
                img[y * w + x] = UInt8(max(0, min(255, v)))
            }
        }
        return img
    }

    private func draw(_ p: PersonState, time: Double, into img: inout [UInt8]) {
        let f = Self.focal, d = max(p.position.d, 0.5)
        let tall = p.posture == .sitting ? 1.25 : 1.72
        // Walking bobs the body a little and swings its width: real motion, not a rigid translation.
        let phase = p.posture == .walking ? sin(time * 2 * Double.pi * 1.8) : 0
        let cx = 160 + f * p.position.x / d
        let feetRow = 120 + f * (Self.cameraHeight - 0.02 * abs(phase)) / d
        let headRow = 120 + f * (Self.cameraHeight - tall) / d
        let headR = 0.11 * f / d
        let bodyTop = headRow + 2 * headR
        let bodyHalfW = (0.22 + 0.03 * phase) * f / d
        let bodyBottom = p.posture == .sitting ? 120 + f * (Self.cameraHeight - 0.45) / d : feetRow
        img.withUnsafeMutableBufferPointer { px in
            fillEllipse(&px, cx: cx, cy: (bodyTop + bodyBottom) / 2, rx: bodyHalfW, ry: (bodyBottom - bodyTop) / 2, value: 58)
            fillEllipse(&px, cx: cx, cy: headRow + headR, rx: headR * 0.85, ry: headR, value: 128)
        }
    }

    private func fillEllipse(_ px: inout UnsafeMutableBufferPointer<UInt8>, cx: Double, cy: Double, rx: Double, ry: Double, value: UInt8) {
        guard rx > 0.5, ry > 0.5 else { return }
        let y0 = max(0, Int(cy - ry)), y1 = min(Self.height - 1, Int(cy + ry))
        let x0 = max(0, Int(cx - rx)), x1 = min(Self.width - 1, Int(cx + rx))
        guard y0 <= y1, x0 <= x1 else { return }
        for y in y0...y1 {
            let dy = (Double(y) - cy) / ry
            for x in x0...x1 {
                let dx = (Double(x) - cx) / rx
                if dx * dx + dy * dy <= 1 { px[y * Self.width + x] = value }
            }
        }
    }

    /// Triangular noise from two 2-bit uniforms per pixel: cheap, zero mean, σ ≈ 1.6.
    private mutating func addNoise(_ img: inout [UInt8]) {
        img.withUnsafeMutableBufferPointer { px in
            var i = 0
            while i < px.count {
                var bits = rng.next()
                for _ in 0..<16 where i < px.count {
                    let n = Int(bits & 3) - Int((bits >> 2) & 3)
                    bits >>= 4
                    px[i] = UInt8(clamping: Int(px[i]) + n)
                    i += 1
                }
            }
        }
    }
}
