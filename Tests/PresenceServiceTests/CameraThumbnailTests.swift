import PresenceCore
import Testing
@testable import PresenceService

/// What the live page gets of the camera: the foreground mask, small, one bit a cell; the picture only with
/// `[web] camera_preview`, small and grey. Both travel as base64.
@Suite struct CameraThumbnailTests {
    @Test func base64IsRFC4648() {
        // RFC 4648 §10's vectors.
        for (plain, coded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                               ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            #expect(Base64.encode(Array(plain.utf8)) == coded, "\(plain)")
        }
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test func aMaskCellIsSetWhenAnyPixelOfItsBlockIs() {
        // 320 x 240 in blocks of 4: 80 x 60 cells. One pixel at (5, 9) sets cell (1, 2).
        var mask = [UInt8](repeating: 0, count: 320 * 240)
        mask[9 * 320 + 5] = 255
        let t = MaskThumbnail(mask: mask, frameWidth: 320, frameHeight: 240)
        #expect(t.width == 80 && t.height == 60 && t.bits.count == 600)
        let cell = 2 * 80 + 1
        #expect(t.bits[cell / 8] == 0x80 >> UInt8(cell % 8))
        #expect(t.bits.enumerated().allSatisfy { $0.offset == cell / 8 || $0.element == 0 })
        #expect(t.json.hasPrefix(#"{"w":80,"h":60,"bits":""#))
    }

    @Test func thePreviewIsEachBlocksMeanGrey() {
        var luma = [UInt8](repeating: 10, count: 320 * 240)
        for y in 0..<4 { for x in 0..<4 { luma[y * 320 + x] = y < 2 ? 200 : 100 } }  // the first block: mean 150
        let p = PreviewThumbnail(VideoFrame(width: 320, height: 240, luma: luma))
        #expect(p.width == 80 && p.height == 60 && p.pixels.count == 4800)
        #expect(p.pixels[0] == 150 && p.pixels[1] == 10)
    }
}
