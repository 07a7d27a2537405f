import CSystemd
import Foundation
import Glibc

/// systemd socket activation (sd_listen_fds(3)): when systemd started us with the event socket already
/// bound (`presenced.socket`), it is passed as descriptor 3 and `LISTEN_FDS`/`LISTEN_PID` say so.
enum SocketActivation {
    /// The inherited listening Unix stream socket, if systemd passed one to this process. The environment
    /// variables are unset, so that children do not think the socket is theirs.
    static func inheritedSocket() throws(ServerError) -> Int32? {
        let count = sd_listen_fds(1)
        guard count > 0 else {
            if count < 0 { throw ServerError(.ioError, "socket activation: sd_listen_fds: \(String(cString: strerror(-count)))") }
            return nil
        }
        let fd = SD_LISTEN_FDS_START
        guard count == 1 else {
            throw ServerError(.config, "socket activation: systemd passed \(count) sockets; presenced.socket must declare exactly one ListenStream=")
        }
        guard sd_is_socket_unix(fd, Int32(Glibc.SOCK_STREAM.rawValue), 1, nil, 0) > 0 else {
            throw ServerError(.config, "socket activation: the passed socket is not a listening Unix stream socket (ListenStream= must be a path)")
        }
        return fd
    }
}
