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
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw .truncated("\(count) bytes at offset \(offset) run past the end of the \(size)-byte file")
        }
        switch storage {
        case .memory(let bytes):
            return Array(bytes[Int(offset)..<Int(offset) + count])
        case .file(let fd):
            var out = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    let reason = n == 0 ? "the file shrank while being read" : String(cString: strerror(errno))
                    throw .io("\(path): read failed at offset \(offset + UInt64(done)): \(reason)")
                }
                done += n
            }
            return out
        }
    }
}
