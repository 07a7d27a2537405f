import Foundation

/// Positional reads (pread) from a file opened once: the reader visits chunks
/// by offset and never loads the whole file.
final class RandomAccessFile {
    let path: String
    let size: UInt64
    private let fd: Int32

    init(path: String) throws(RecordingError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw errno == ENOENT ? .missing("\(path): \(reason)") : .io("\(path): \(reason)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io("\(path): \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .missing("\(path): not a regular file")
        }
        size = UInt64(st.st_size)
    }

    deinit { close(fd) }

    func read(at offset: UInt64, count: Int) throws(RecordingError) -> [UInt8] {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw .truncated("\(count) bytes at offset \(offset) run past the end of the \(size)-byte file")
        }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw .io("\(path): read failed at offset \(offset + UInt64(done)): \(String(cString: strerror(errno)))") }
            done += n
        }
        return out
    }
}
