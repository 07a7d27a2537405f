import Foundation

/// Claims the event socket's path for this process before it binds there.
///
/// A lock file beside the socket (`PATH.lock`, flock(2)) is held for the daemon's life: the kernel drops it
/// when the process dies however it dies, so holding it proves that no other presenced owns the path. Then
/// an existing socket file is stale (a crash, `kill -9`) and replaced; a live one is never stolen even from
/// a process that does not take the lock: a connection attempt that succeeds means someone is listening.
/// Anything at the path that is not a socket is left alone.
struct SocketFile {
    let path: String
    private let lock: Int32

    init(claiming path: String) throws(ServerError) {
        self.path = path
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServerError(.ioError, "\(lockPath): cannot open the socket's lock file: \(Self.errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ServerError(.ioError, "\(path): another presenced owns this socket (\(lockPath) is locked); stop it or set socket.path")
        }
        lock = fd
        do {
            try Self.removeIfStale(path)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Releases the path: the socket file, then the lock (in that order, so that a successor never finds
    /// our socket file while holding the lock).
    func release() {
        unlink(path)
        close(lock)
    }

    private static func removeIfStale(_ path: String) throws(ServerError) {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw ServerError(.ioError, "\(path): \(errnoText())")
        }
        guard st.st_mode & S_IFMT == S_IFSOCK else {
            throw ServerError(.ioError, "\(path): exists and is not a socket; not replacing it")
        }
        if let fd = WatchClient.connect(to: path) {
            close(fd)
            throw ServerError(.ioError, "\(path): another process is listening on this socket; not taking it over")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw ServerError(.ioError, "\(path): cannot remove the stale socket file: \(errnoText())")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
