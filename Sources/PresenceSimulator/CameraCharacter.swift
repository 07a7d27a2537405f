/// What kind of camera a seed gives the simulator: the imperfections a real one adds to the room, drawn from
/// the ranges `scripts/sim/measure_real_video.py` measured on the real video development set (SBI2015: sensor
/// noise σ 0.6-4.0 grey levels, block edges up to 1.55x the gradient inside 8x8 blocks, exposure drifting by
/// 4-24 grey levels over a sequence, backgrounds with a mean gradient of 5-10 grey levels a pixel) and widened
/// towards the home cameras presenced is for (noise up to σ 8 in dim rooms).
struct CameraCharacter {
    /// Sensor noise, σ in grey levels.
    var noise: Double
    /// JPEG/H.264-like quantisation of the detail inside each 8x8 block, in grey levels (0: none).
    var blocking: Int
    /// Auto-exposure hunting: a slow drift of the whole picture, amplitude (grey levels) and period (s).
    var drift: (amplitude: Double, period: Double, phase: Double)
    /// Mains flicker beating against the frame rate: a small brightness wobble, amplitude and period (s).
    var flicker: (amplitude: Double, period: Double)
    /// A mount that shakes: seconds between one-pixel jumps of the picture (nil: steady).
    var jitterEvery: Double?
    /// Fine texture of walls, floor and furniture: amplitude in grey levels.
    var texture: Double

    init(_ r: inout SimRandom) {
        noise = r.uniform(1.5, 8)
        blocking = Int(r.uniform(0, 7))
        drift = (r.uniform(0, 6), r.uniform(20, 90), r.uniform(0, 1))
        flicker = (r.uniform(0, 1.5), r.uniform(1, 4))
        jitterEvery = r.unit() < 0.3 ? r.uniform(5, 20) : nil
        texture = r.uniform(6, 16)
    }
}
