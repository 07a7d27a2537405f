import CSystemd

/// sd_notify(3) through libsystemd. Without NOTIFY_SOCKET (not under systemd)
/// every call is a cheap no-op, so callers need not check.
public enum SystemdNotifier {
    public static func notify(_ state: String) {
        _ = sd_notify(0, state)
    }

    public static func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public static func status(_ text: String) { notify("STATUS=\(text)") }
    public static func stopping() { notify("STOPPING=1") }
}
