import PresenceCore

/// The camera's foreground mask, small, for the live page: each cell is set when any pixel of its block is
/// foreground. Made only while a browser watches; never the picture itself (`[web] camera_preview` aside, no
/// frame leaves the process).
struct MaskThumbnail: Sendable, Equatable {
    static let maxWidth = 80
    let width: Int
    let height: Int
    /// Row by row, one bit a cell, the first cell in the highest bit.
    let bits: [UInt8]

    /// `mask`: 0 or 255 per pixel, `frameWidth` x `frameHeight`.
    init(mask: [UInt8], frameWidth: Int, frameHeight: Int) {
        let block = max(1, (frameWidth + Self.maxWidth - 1) / Self.maxWidth)
        width = (frameWidth + block - 1) / block
        height = (frameHeight + block - 1) / block
        var bits = [UInt8](repeating: 0, count: (width * height + 7) / 8)
        for y in 0..<frameHeight where y < mask.count / max(1, frameWidth) {
            let row = y * frameWidth
            for x in 0..<frameWidth where mask[row + x] != 0 {
                let cell = (y / block) * width + x / block
                bits[cell / 8] |= 0x80 >> UInt8(cell % 8)
            }
        }
        self.bits = bits
    }

    var json: String {
        "{\"w\":\(width),\"h\":\(height),\"bits\":\"\(Base64.encode(bits))\"}"
    }
}

/// The camera's picture, small and grey, for the live page: only with `[web] camera_preview = true` (by
/// default no frame leaves the process: the mask is all the page gets). Each cell is its block's mean.
struct PreviewThumbnail: Sendable, Equatable {
    let width: Int
    let height: Int
    let pixels: [UInt8]

    init(_ frame: VideoFrame) {
        let block = max(1, (frame.width + MaskThumbnail.maxWidth - 1) / MaskThumbnail.maxWidth)
        width = frame.width / block
        height = frame.height / block
        var pixels = [UInt8](repeating: 0, count: width * height)
        for cy in 0..<height {
            for cx in 0..<width {
                var sum = 0
                for y in (cy * block)..<(cy * block + block) {
                    let row = y * frame.width
                    for x in (cx * block)..<(cx * block + block) { sum += Int(frame.luma[row + x]) }
                }
                pixels[cy * width + cx] = UInt8(sum / (block * block))
            }
        }
        self.pixels = pixels
    }

    var json: String {
        "{\"w\":\(width),\"h\":\(height),\"pixels\":\"\(Base64.encode(pixels))\"}"
    }
}

/// RFC 4648 base64 (with padding), for the few bytes the live page receives as text.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = bytes[i], b1 = n > 1 ? bytes[i + 1] : 0, b2 = n > 2 ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(n > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
