import Foundation

/// Positional reads from a recording: pread from a file opened once (the reader
/// visits chunks by offset and never loads the whole file), or slices of bytes
/// already in memory (a recording handed over whole, e.g. by the fuzzer).
final class RandomAccessFile {
    private enum Storage {
        case file(Int32)
        case memory([UInt8])
    }

    let path: String
    let size: UInt64
    private let storage: Storage

    init(path: String) throws(RecordingError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw errno == ENOENT ? .missing("\(path): \(reason)") : .io("\(path): \(reason)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .io("\(path): \(reason)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .missing("\(path): not a regular file")
        }
        size = UInt64(st.st_size)
        storage = .file(fd)
    }

    init(bytes: [UInt8], name: String) {
        path = name
        size = UInt64(bytes.count)
        storage = .memory(bytes)
    }

    deinit {
        if case .file(let fd) = storage { close(fd) }
    }

    func read(at offset: UInt64, count: Int) throws(RecordingError) -> [UInt8] {
        var out: [UInt8] = []
        try read(at: offset, count: count, into: &out)
        return out
    }

    /// Reads into `buffer` (resized to `count`), which keeps its storage from call to call: chunk after
    /// chunk of a replay then reads without allocating or faulting in fresh pages.
    func read(at offset: UInt64, count: Int, into buffer: inout [UInt8]) throws(RecordingError) {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw .truncated("\(count) bytes at offset \(offset) run past the end of the \(size)-byte file")
        }
        if buffer.count > count {
            buffer.removeLast(buffer.count - count)
        } else if buffer.count < count {
            buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
        }
        switch storage {
        case .memory(let bytes):
            buffer.withUnsafeMutableBufferPointer { dst in
                bytes.withUnsafeBufferPointer { src in
                    _ = dst.update(fromContentsOf: UnsafeBufferPointer(rebasing: src[Int(offset)..<Int(offset) + count]))
                }
            }
        case .file(let fd):
            var done = 0
            while done < count {
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    let reason = n == 0 ? "the file shrank while being read" : String(cString: strerror(errno))
                    throw .io("\(path): read failed at offset \(offset + UInt64(done)): \(reason)")
                }
                done += n
            }
        }
    }
}
