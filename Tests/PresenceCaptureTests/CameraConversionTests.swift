import PresenceCore
import Testing
@testable import PresenceCapture

/// What the camera does to a frame without a camera: luma out of padded rows,
/// the pixel format names, and buffers reused only once nobody holds them.
@Suite struct CameraConversionTests {
    @Test func lumaFromPaddedPlanarAndYUYVRows() {
        // 3x2, rows padded to 8 bytes.
        let planar: [UInt8] = [1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0]
        var out = [UInt8](repeating: 9, count: 6)
        planar.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { LumaConversion.extract(src, format: .planar, width: 3, height: 2, bytesPerLine: 8, into: $0) }
        }
        #expect(out == [1, 2, 3, 4, 5, 6])
        // Y0 U Y1 V: luma in every even byte; rows of 6 bytes padded to 8.
        let yuyv: [UInt8] = [10, 128, 11, 128, 12, 128, 0, 0, 13, 128, 14, 128, 15, 128, 0, 0]
        yuyv.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { LumaConversion.extract(src, format: .yuyv, width: 3, height: 2, bytesPerLine: 8, into: $0) }
        }
        #expect(out == [10, 11, 12, 13, 14, 15])
    }

    @Test func fourccNames() {
        #expect(CameraDevice.fourcc("GREY") == 0x5945_5247)
        #expect(CameraDevice.name(CameraDevice.fourcc("YUYV")) == "YUYV")
    }

    @Test func buffersAreReusedOnlyWhenNobodyHoldsThem() {
        var pool = RecycledBuffers<UInt8>(slots: 2, zero: 0)
        var kept = pool.fill(count: 4) { $0.update(repeating: 1) }
        _ = pool.fill(count: 4) { $0.update(repeating: 2) }
        // Slot 0 again, while `kept` still shares it: copy-on-write leaves `kept` alone.
        let third = pool.fill(count: 4) { $0.update(repeating: 3) }
        #expect(kept == [1, 1, 1, 1] && third == [3, 3, 3, 3])
        kept = []
        let fourth = pool.fill(count: 2) { $0.update(repeating: 4) }
        #expect(fourth == [4, 4])
    }
}
