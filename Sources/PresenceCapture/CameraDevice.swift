import CShims
import Glibc
import PresenceCore
import Synchronization

/// A V4L2 camera through libv4l2: opened by path (or a /dev/v4l/by-id link),
/// size and rate from the configuration, mmap streaming with 4 buffers, poll
/// with a timeout, kernel timestamps. It prefers a format whose luma it can
/// take directly: GREY, then YUYV, then YUV420 (which libv4l2 also makes from
/// MJPEG and other formats). Frames are luma only (mono8), in recycled arrays.
public final class CameraDevice: CaptureDevice {
    public let sensor = SensorKind.camera
    public let path: String
    public let requested: (width: Int, height: Int, fps: Int)
    /// What the driver agreed to, after open.
    public private(set) var width = 0
    public private(set) var height = 0
    public private(set) var pixelFormat: UInt32 = 0

    /// Frames the driver skipped (gaps in its sequence numbers), read from other threads for metrics.
    public var skippedFrames: Int { skipped.load(ordering: .relaxed) }
    private let skipped = Atomic<Int>(0)
    private var lastSequence: UInt32?

    private let clock: CaptureClock
    private var fd: Int32 = -1
    private var bytesPerLine = 0
    private var mapped: [(start: UnsafeMutableRawPointer, length: Int)] = []
    private var frames = LumaFrames()
    static let bufferCount: UInt32 = 4

    public init(path: String, width: Int, height: Int, fps: Int, clock: CaptureClock) {
        self.path = path
        requested = (width, height, fps)
        self.clock = clock
    }

    /// The V4L2 four-character code of a pixel format.
    public static func fourcc(_ s: String) -> UInt32 {
        s.utf8.prefix(4).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    static let grey = fourcc("GREY"), yuyv = fourcc("YUYV"), yuv420 = fourcc("YU12")

    public func open() throws(CaptureError) {
        close()
        let f = cshim_v4l2_open(path)
        guard f >= 0 else { throw .system("open \(path)", -f) }
        fd = f
        do {
            try checkCapabilities()
            try setFormat()
            setFrameRate()
            try startStreaming()
        } catch {
            close()
            throw error
        }
    }

    private func ioctl(_ request: UInt, _ arg: UnsafeMutableRawPointer, _ what: String) throws(CaptureError) {
        let r = cshim_v4l2_ioctl(fd, request, arg)
        guard r >= 0 else { throw .system("\(what) on \(path)", -r) }
    }

    private func checkCapabilities() throws(CaptureError) {
        var cap = v4l2_capability()
        try ioctl(cshim_VIDIOC_QUERYCAP, &cap, "VIDIOC_QUERYCAP")
        let caps = cap.capabilities & 0x8000_0000 != 0 ? cap.device_caps : cap.capabilities
        guard caps & 0x0000_0001 != 0 else { throw CaptureError("\(path) is not a video capture device") }
        guard caps & 0x0400_0000 != 0 else { throw CaptureError("\(path) cannot stream (no V4L2_CAP_STREAMING)") }
    }

    /// GREY or YUYV if the device has it natively, else YUV420 (converted by libv4l2 when needed).
    private func setFormat() throws(CaptureError) {
        var native: Set<UInt32> = []
        var desc = v4l2_fmtdesc()
        desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        while cshim_v4l2_ioctl(fd, cshim_VIDIOC_ENUM_FMT, &desc) >= 0 {
            // Formats libv4l2 emulates (flag 0x2) cost a conversion: only used as the last resort.
            if desc.flags & 0x0002 == 0 { native.insert(desc.pixelformat) }
            desc.index += 1
        }
        let choice = native.contains(Self.grey) ? Self.grey : native.contains(Self.yuyv) ? Self.yuyv : Self.yuv420
        var fmt = v4l2_format()
        fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        fmt.fmt.pix.width = UInt32(requested.width)
        fmt.fmt.pix.height = UInt32(requested.height)
        fmt.fmt.pix.pixelformat = choice
        fmt.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try ioctl(cshim_VIDIOC_S_FMT, &fmt, "VIDIOC_S_FMT")
        pixelFormat = fmt.fmt.pix.pixelformat
        guard [Self.grey, Self.yuyv, Self.yuv420].contains(pixelFormat) else {
            throw CaptureError("\(path): the driver offers no usable format (got \(Self.name(pixelFormat)))")
        }
        width = Int(fmt.fmt.pix.width)
        height = Int(fmt.fmt.pix.height)
        let bytesPerPixel = pixelFormat == Self.yuyv ? 2 : 1
        bytesPerLine = max(Int(fmt.fmt.pix.bytesperline), width * bytesPerPixel)
        guard width > 0, height > 0 else { throw CaptureError("\(path): the driver set a \(width)x\(height) frame") }
    }

    /// Best effort: not every driver lets the rate be chosen.
    private func setFrameRate() {
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parm.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(requested.fps))
        _ = cshim_v4l2_ioctl(fd, cshim_VIDIOC_S_PARM, &parm)
    }

    private func startStreaming() throws(CaptureError) {
        var req = v4l2_requestbuffers()
        req.count = Self.bufferCount
        req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        req.memory = V4L2_MEMORY_MMAP.rawValue
        try ioctl(cshim_VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS")
        guard req.count >= 2 else { throw CaptureError("\(path): the driver gave \(req.count) buffers, at least 2 are needed") }
        for i in 0..<req.count {
            var buf = Self.buffer(index: i)
            try ioctl(cshim_VIDIOC_QUERYBUF, &buf, "VIDIOC_QUERYBUF")
            guard let start = cshim_v4l2_mmap(fd, Int(buf.length), Int64(buf.m.offset)) else { throw .system("mmap \(path)") }
            mapped.append((start, Int(buf.length)))
            try ioctl(cshim_VIDIOC_QBUF, &buf, "VIDIOC_QBUF")
        }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try ioctl(cshim_VIDIOC_STREAMON, &type, "VIDIOC_STREAMON")
    }

    static func buffer(index: UInt32) -> v4l2_buffer {
        var buf = v4l2_buffer()
        buf.index = index
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buf.memory = V4L2_MEMORY_MMAP.rawValue
        return buf
    }

    public func read(timeoutMs: Int32, emit: (Sample) -> Void) throws(CaptureError) {
        guard fd >= 0 else { throw CaptureError("\(path) is not open") }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, timeoutMs)
        if ready < 0 {
            if errno == EINTR { return }
            throw .system("poll \(path)")
        }
        if ready == 0 { return }
        if p.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0, p.revents & Int16(POLLIN) == 0 {
            throw CaptureError("read \(path): the device failed or was unplugged")
        }
        var buf = Self.buffer(index: 0)
        let r = cshim_v4l2_ioctl(fd, cshim_VIDIOC_DQBUF, &buf)
        if r == -EAGAIN { return }
        guard r >= 0 else { throw .system("VIDIOC_DQBUF on \(path)", -r) }
        defer { _ = cshim_v4l2_ioctl(fd, cshim_VIDIOC_QBUF, &buf) }
        guard Int(buf.index) < mapped.count else { return }
        if let last = lastSequence, buf.sequence > last &+ 1 { skipped.add(Int(buf.sequence - last - 1), ordering: .relaxed) }
        lastSequence = buf.sequence
        // A buffer the driver marked as damaged (flag ERROR) is requeued, not used.
        guard buf.flags & 0x0040 == 0 else { return }
        let timestamp = Int64(buf.timestamp.tv_sec) * Nanos.perSecond + Int64(buf.timestamp.tv_usec) * 1000
        let monotonic = buf.flags & 0xE000 == 0x2000 && timestamp > 0
        let t = monotonic ? clock.sampleTime(monotonic: timestamp) : clock.now()
        let source = UnsafeRawBufferPointer(start: mapped[Int(buf.index)].start, count: min(Int(buf.bytesused), mapped[Int(buf.index)].length))
        guard source.count >= bytesPerLine * (height - 1) + width * (pixelFormat == Self.yuyv ? 2 : 1) else { return }
        let frame = frames.frame(from: source, format: pixelFormat == Self.yuyv ? .yuyv : .planar,
                                 width: width, height: height, bytesPerLine: bytesPerLine)
        emit(Sample(t: t, payload: .video(frame)))
    }

    public func close() {
        if fd >= 0 {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = cshim_v4l2_ioctl(fd, cshim_VIDIOC_STREAMOFF, &type)
            for m in mapped { _ = cshim_v4l2_munmap(m.start, m.length) }
            _ = cshim_v4l2_close(fd)
        }
        mapped.removeAll()
        lastSequence = nil
        fd = -1
    }

    static func name(_ fourcc: UInt32) -> String {
        String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: fourcc >> (8 * $0)) }, as: UTF8.self)
    }
}
