import CSystemd
import Glibc

/// sd_notify(3) through libsystemd. Without NOTIFY_SOCKET (not under systemd)
/// every call is a cheap no-op, so callers need not check.
public enum SystemdNotifier {
    public static func notify(_ state: String) {
        _ = sd_notify(0, state)
    }

    public static func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public static func status(_ text: String) { notify("STATUS=\(text)") }
    /// Until the next `ready`: systemd holds `systemctl reload` until then.
    /// MONOTONIC_USEC tells systemd 253+ (Type=notify-reload) which reload this is; older ones ignore it.
    public static func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        notify("RELOADING=1\nMONOTONIC_USEC=\(Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)")
    }
    public static func stopping() { notify("STOPPING=1") }
}
