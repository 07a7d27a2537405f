import Foundation
import PresenceCore

/// Renders the room as a 320x240 mono8 camera would see it: a fixed background
/// (walls, floor, furniture, textured), the person as a dark, textured body with a
/// lighter head in perspective and a soft shadow at their feet, and then what a real
/// camera adds, as the seed's `CameraCharacter` says: exposure hunting and mains
/// flicker, a mount that jitters by a pixel, sensor noise, and block compression.
struct SimulatedCamera {
    static let width = 320
    static let height = 240
    static let fps = 15
    /// Focal length in pixels (about 63° horizontal field of view).
    static let focal = 260.0
    static let cameraHeight = 1.4

    private let background: [UInt8]
    private var rng: SimRandom
    let character: CameraCharacter
    /// Where a jitter's direction comes from: a fixed hash of the jitter's number.
    private let seed: UInt64

    init(seed: UInt64) {
        rng = SimRandom(seed: seed, stream: 1)
        var kind = SimRandom(seed: seed, stream: 6)
        character = CameraCharacter(&kind)
        var layout = SimRandom(seed: seed, stream: 2)
        background = Self.makeBackground(&layout, texture: character.texture)
        self.seed = seed
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
            var light = scene.light(at: time)
            light.offset += exposureWobble(at: time)
            applyLight(light, to: &img)
            jitter(&img, at: time)
        }
        addNoise(&img)
        compress(&img)
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

    private static func makeBackground(_ r: inout SimRandom, texture: Double) -> [UInt8] {
        let w = width, h = height
        var img = [UInt8](repeating: 0, count: w * h)
        // Texture: a smooth random field (values on a 6-pixel grid, blended) and a fine grain of its own per pixel.
        let cell = 6, gw = w / cell + 2, gh = h / cell + 2
        let grid = (0..<(gw * gh)).map { _ in r.uniform(-1, 1) }
        let grain = (0..<(w * h)).map { _ in r.uniform(-1, 1) }
        func field(_ x: Int, _ y: Int) -> Double {
            let fx = Double(x) / Double(cell), fy = Double(y) / Double(cell)
            let x0 = Int(fx), y0 = Int(fy), tx = fx - Double(x0), ty = fy - Double(y0)
            let a = grid[y0 * gw + x0], b = grid[y0 * gw + x0 + 1], c = grid[(y0 + 1) * gw + x0], d = grid[(y0 + 1) * gw + x0 + 1]
            return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty
        }
        let wallTone = r.uniform(150, 175), floorTone = r.uniform(95, 115)
        // Furniture: a few rectangles at fixed random places, darker or lighter than the wall.
        let boxes = (0..<4).map { _ -> (Int, Int, Int, Int, Double) in
            let x0 = Int(r.uniform(0, 280)), y0 = Int(r.uniform(60, 190))
            return (x0, y0, x0 + Int(r.uniform(20, 60)), y0 + Int(r.uniform(20, 50)), r.uniform(70, 210))
        }
        for y in 0..<h {
            for x in 0..<w {
                var v = y < 130 ? wallTone - Double(y) * 0.08 : floorTone + Double(y - 130) * 0.12
                v += 4 * ((x / 8 + y / 8) % 2 == 0 ? 1 : -1) // low-contrast tiles
                for b in boxes where x >= b.0 && x < b.2 && y >= b.1 && y < b.3 { v = b.4 }
                v += texture * field(x, y) + 0.4 * texture * grain[y * w + x]
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
            // A soft shadow on the floor at the feet (background in the truth: it is not the person).
            if paint == nil { shade(&px, cx: cx, cy: feetRow, rx: 1.6 * bodyHalfW, ry: 0.08 * f / d) }
            fillEllipse(&px, cx: cx, cy: (bodyTop + bodyBottom) / 2, rx: bodyHalfW, ry: (bodyBottom - bodyTop) / 2, value: paint ?? 58,
                        texture: paint == nil ? 14 : 0)
            fillEllipse(&px, cx: cx, cy: headRow + headR, rx: headR * 0.85, ry: headR, value: paint ?? 128, texture: paint == nil ? 8 : 0)
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

    /// `texture`: folds and shading that move with the body (amplitude in grey levels), 0 for a flat fill.
    private func fillEllipse(_ px: inout UnsafeMutableBufferPointer<UInt8>, cx: Double, cy: Double, rx: Double, ry: Double, value: UInt8,
                             texture: Double = 0) {
        forEachPixel(cx: cx, cy: cy, rx: rx, ry: ry, inside: { $0 <= 1 }) { i, dx, dy, _ in
            // Darker towards the edges (a round body lit from above), with folds across it.
            let v = texture == 0 ? Double(value)
                : Double(value) + texture * (0.6 * sin(9 * dx + 4 * dy) - 0.8 * dx * dx) + 0.5 * texture * (-dy)
            px[i] = UInt8(clamping: Int(v.rounded()))
        }
    }

    /// Calls `body(index, dx, dy, r²)` for each pixel of the ellipse's bounding box whose normalised squared
    /// distance from the centre passes `inside`.
    private func forEachPixel(cx: Double, cy: Double, rx: Double, ry: Double, inside: (Double) -> Bool,
                              _ body: (Int, Double, Double, Double) -> Void) {
        guard rx > 0.5, ry > 0.5 else { return }
        let y0 = max(0, Int(cy - ry)), y1 = min(Self.height - 1, Int(cy + ry))
        let x0 = max(0, Int(cx - rx)), x1 = min(Self.width - 1, Int(cx + rx))
        guard y0 <= y1, x0 <= x1 else { return }
        for y in y0...y1 {
            let dy = (Double(y) - cy) / ry
            for x in x0...x1 {
                let dx = (Double(x) - cx) / rx, r2 = dx * dx + dy * dy
                if inside(r2) { body(y * Self.width + x, dx, dy, r2) }
            }
        }
    }

    /// A soft shadow: the floor darkened by up to a fifth at the centre of the ellipse, fading to its edge.
    private func shade(_ px: inout UnsafeMutableBufferPointer<UInt8>, cx: Double, cy: Double, rx: Double, ry: Double) {
        forEachPixel(cx: cx, cy: cy, rx: rx, ry: ry, inside: { $0 < 1 }) { i, _, _, r2 in
            px[i] = UInt8(clamping: Int((Double(px[i]) * (1 - 0.2 * (1 - r2))).rounded()))
        }
    }

    /// Auto-exposure hunting (a slow sine) and mains flicker (a faster one), in grey levels at `time`.
    private func exposureWobble(at time: Double) -> Double {
        let c = character
        return c.drift.amplitude * sin(2 * .pi * (time / c.drift.period + c.drift.phase)) + c.flicker.amplitude * sin(2 * .pi * time / c.flicker.period)
    }

    /// A shaky mount: every `jitterEvery` seconds the picture jumps by a pixel sideways for a fifth of a second.
    private func jitter(_ img: inout [UInt8], at time: Double) {
        guard let every = character.jitterEvery else { return }
        let number = UInt64(time / every)
        guard time - Double(number) * every < 0.2, number > 0 else { return }
        var hash = SplitMix64(seed: seed ^ number)
        let right = hash.next() % 2 == 0
        img.withUnsafeMutableBufferPointer { px in
            for y in 0..<Self.height {
                let row = y * Self.width
                if right {
                    for x in stride(from: Self.width - 1, to: 0, by: -1) { px[row + x] = px[row + x - 1] }
                } else {
                    for x in 0..<(Self.width - 1) { px[row + x] = px[row + x + 1] }
                }
            }
        }
    }

    /// Block compression: within each 8x8 block the detail (each pixel's difference from the block's mean) is
    /// rounded to steps of `blocking` grey levels, as a coder's quantiser does to what it cannot afford.
    private func compress(_ img: inout [UInt8]) {
        let q = character.blocking
        guard q > 1 else { return }
        img.withUnsafeMutableBufferPointer { px in
            for by in stride(from: 0, to: Self.height, by: 8) {
                for bx in stride(from: 0, to: Self.width, by: 8) {
                    var sum = 0
                    for y in by..<(by + 8) { for x in bx..<(bx + 8) { sum += Int(px[y * Self.width + x]) } }
                    let mean = sum / 64
                    for y in by..<(by + 8) {
                        for x in bx..<(bx + 8) {
                            let i = y * Self.width + x
                            let detail = Int(px[i]) - mean
                            let rounded = (detail >= 0 ? detail + q / 2 : detail - q / 2) / q * q
                            px[i] = UInt8(clamping: mean + rounded)
                        }
                    }
                }
            }
        }
    }

    /// Sensor noise of the character's σ: the sum of four 8-bit uniforms per pixel (nearly normal), scaled.
    private mutating func addNoise(_ img: inout [UInt8]) {
        // Four uniforms on 0...255 sum to a spread of σ = √(4 · (256² − 1) / 12) ≈ 147.8; scaled in 1/256 steps.
        let scale = Int((character.noise / 147.8 * 256).rounded())
        img.withUnsafeMutableBufferPointer { px in
            var i = 0
            while i < px.count {
                var bits = rng.next()
                for _ in 0..<2 where i < px.count {
                    let sum = Int(bits & 0xFF) + Int((bits >> 8) & 0xFF) + Int((bits >> 16) & 0xFF) + Int((bits >> 24) & 0xFF) - 510
                    bits >>= 32
                    px[i] = UInt8(clamping: Int(px[i]) + (sum * scale + (sum >= 0 ? 128 : -128)) / 256)
                    i += 1
                }
            }
        }
    }
}
