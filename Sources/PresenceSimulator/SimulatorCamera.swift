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

    mutating func frame(scene: SceneScript, time: Double) -> VideoFrame {
        var img = background
        if scene.isDark(at: time) {
            // A covered lens: flat and nearly black; only sensor noise remains.
            img = [UInt8](repeating: 6, count: img.count)
        } else {
            drawSunPatch(scene.sunBrightness(at: time), into: &img)
            for mover in scene.movers where mover.isOn(at: time) { draw(mover, time: time, into: &img) }
            for pet in scene.pets(at: time) { draw(pet, kind: .cat, time: time, into: &img) }
            for person in scene.people(at: time) { draw(person, kind: .human, time: time, into: &img) }
            applyLight(scene.light(at: time), to: &img)
        }
        addNoise(&img)
        return VideoFrame(width: Self.width, height: Self.height, luma: img)
    }

    /// Ground truth for background subtraction: 255 where a body (a person or a pet) is in view at
    /// `time`, else 0. Lighting, noise, fans, curtains and screens are background; a covered lens sees nothing.
    func truth(scene: SceneScript, time: Double) -> [UInt8] {
        var img = [UInt8](repeating: 0, count: Self.width * Self.height)
        guard !scene.isDark(at: time) else { return img }
        for pet in scene.pets(at: time) { draw(pet, kind: .cat, time: time, into: &img, paint: 255) }
        for person in scene.people(at: time) { draw(person, kind: .human, time: time, into: &img, paint: 255) }
        return img
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

    /// Draws a body; `paint` replaces its grey levels (the truth mask draws the same shapes in 255).
    private func draw(_ p: PersonState, kind: BodyKind, time: Double, into img: inout [UInt8], paint: UInt8? = nil) {
        let f = Self.focal, d = max(p.position.d, 0.5)
        switch (kind, p.posture) {
        case (.cat, _):
            // A cat: a small, low, wide body with a head, close to the floor.
            let cx = 160 + f * p.position.x / d
            let floor = 120 + f * Self.cameraHeight / d
            let bob = p.posture == .walking ? 1.5 * sin(time * 2 * .pi * 3) : 0
            img.withUnsafeMutableBufferPointer { px in
                fillEllipse(&px, cx: cx, cy: floor - 0.12 * f / d + bob, rx: 0.22 * f / d, ry: 0.09 * f / d, value: paint ?? 70)
                fillEllipse(&px, cx: cx + 0.2 * f / d, cy: floor - 0.24 * f / d + bob, rx: 0.06 * f / d, ry: 0.06 * f / d, value: paint ?? 80)
            }
            return
        case (.human, .lying):
            // Lying on a bed: a long, low body; only breathing moves it (too little for the camera).
            let cx = 160 + f * p.position.x / d
            let cy = 120 + f * (Self.cameraHeight - 0.55) / d
            img.withUnsafeMutableBufferPointer { px in
                fillEllipse(&px, cx: cx, cy: cy, rx: 0.85 * f / d, ry: 0.14 * f / d, value: paint ?? 58)
                fillEllipse(&px, cx: cx - 0.95 * f / d, cy: cy - 0.05 * f / d, rx: 0.1 * f / d, ry: 0.1 * f / d, value: paint ?? 128)
            }
            return
        default:
            break
        }
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
            fillEllipse(&px, cx: cx, cy: (bodyTop + bodyBottom) / 2, rx: bodyHalfW, ry: (bodyBottom - bodyTop) / 2, value: paint ?? 58)
            fillEllipse(&px, cx: cx, cy: headRow + headR, rx: headR * 0.85, ry: headR, value: paint ?? 128)
        }
    }

    /// A window on the wall: brighter as the sun comes out.
    private func drawSunPatch(_ brightness: Double, into img: inout [UInt8]) {
        guard brightness > 0 else { return }
        img.withUnsafeMutableBufferPointer { px in
            for y in 20..<75 {
                for x in 120..<190 {
                    px[y * Self.width + x] = UInt8(clamping: Int(Double(px[y * Self.width + x]) + brightness))
                }
            }
        }
    }

    /// Fan blades, a swaying curtain or a television picture: motion in a fixed region.
    private func draw(_ m: PeriodicMover, time: Double, into img: inout [UInt8]) {
        let phase = 2 * Double.pi * m.frequency * time
        img.withUnsafeMutableBufferPointer { px in
            for y in m.y..<min(Self.height, m.y + m.height) {
                for x in m.x..<min(Self.width, m.x + m.width) {
                    let u = Double(x - m.x) / Double(m.width), v = Double(y - m.y) / Double(m.height)
                    let value: Double = switch m.kind {
                    // Four blades turning: the angle around the hub decides blade or gap.
                    case .fan: sin(4 * (atan2(v - 0.5, u - 0.5) + phase)) > 0 ? 45 : 175
                    // Vertical folds that sway sideways, more at the bottom.
                    case .curtain: 150 + 40 * sin(14 * u + v * 1.5 * sin(phase))
                    // Scene cuts: the picture's brightness pattern jumps every cycle.
                    case .screen: 60 + 120 * (0.5 + 0.5 * sin(7 * u + 5 * v + 3 * floor(phase / (2 * .pi))))
                    }
                    px[y * Self.width + x] = UInt8(clamping: Int(value))
                }
            }
        }
    }

    /// Global lighting (lamp, sun, exposure): luma = gain * luma + offset.
    private func applyLight(_ light: (gain: Double, offset: Double), to img: inout [UInt8]) {
        guard light.gain != 1 || light.offset != 0 else { return }
        img.withUnsafeMutableBufferPointer { px in
            for i in 0..<px.count { px[i] = UInt8(clamping: Int(Double(px[i]) * light.gain + light.offset)) }
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
