#!/bin/bash
# Runs inside the systemd-nspawn container of scripts/nspawn/test.sh as systemd.run=, with systemd
# as PID 1: the Debian package's life under a real systemd. /opt/presenced holds the packages
# and this script, /opt/demo.mcap the demo recording (read-only); /opt/out takes the log and the verdict.
set -uo pipefail
exec >/opt/out/log 2>&1
export SYSTEMD_PAGER= PAGER=cat
failures=0 skips=0
ok()      { echo "ok - $*"; }
not_ok()  { echo "not ok - $*"; failures=$((failures + 1)); }
skip()    { echo "skip - $*"; skips=$((skips + 1)); }
check()   { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# wait_for SECONDS COMMAND...: polls every 0.2 s.
wait_for() { local end=$((SECONDS + $1)); shift; until "$@"; do ((SECONDS < end)) || return 1; sleep 0.2; done; }
prop()    { systemctl show -P "$2" "$1"; }
active()  { [[ $(systemctl is-active "$1") == active ]]; }
finish() {
  if ((failures > 0)); then
    echo "--- journal of presenced"; journalctl --no-pager -u presenced.service -u presenced.socket | tail -80
    echo "FAIL ($failures)" > /opt/out/result
  else
    if ((skips > 0)); then echo "PASS ($skips skipped: see skip lines)"; else echo PASS; fi > /opt/out/result
  fi
  exit 0
}
trap finish EXIT

v1=$(ls /opt/presenced/presenced_*+nspawn1_*.deb)
v2=$(ls /opt/presenced/presenced_*+nspawn2_*.deb)
# Debian's broker starts at boot on 1883; the network checks below want nothing there (the test starts its own).
systemctl disable --now mosquitto.service >/dev/null 2>&1

echo "# install"
t0=$SECONDS
check "dpkg -i installs the package" dpkg -i "$v1"
check "the presenced user exists (sysusers)" id presenced
check "/var/lib/presenced/clips made by tmpfiles" test -d /var/lib/presenced/clips
check "the socket unit is enabled and listening" active presenced.socket
# The default configuration: camera, microphone and radar that this container does not have.
check "presenced.service is active after install (READY came with the sensors lost)" wait_for 30 active presenced.service
check "STATUS= names the room, the lost sensors and the devices" \
  wait_for 10 bash -c '[[ $(systemctl show -P StatusText presenced.service) == *"radar lost"*"live: camera /dev/video0"* ]]'
echo "  status: $(prop presenced.service StatusText)"
check "presenced check-config accepts the installed configuration" presenced check-config /etc/presenced/presenced.toml
check "the manual page is installed" test -s /usr/share/man/man8/presenced.8.gz
check "the model is installed and named by the configuration" grep -q '^model = "/usr/share/presenced/default.model"' /etc/presenced/presenced.toml

echo "# journal fields"
check "a lost sensor is a journal entry with SENSOR= and PRIORITY=4" \
  wait_for 10 bash -c 'journalctl -u presenced.service SENSOR=radar PRIORITY=4 -o cat | grep -q "sensor status changed"'
journalctl -u presenced.service SENSOR=radar -o verbose --no-pager | grep -E '^\s+(PRIORITY|SENSOR|STATUS|REASON|MESSAGE|SYSLOG_IDENTIFIER)=' | head -6

echo "# sandbox"
pid=$(prop presenced.service MainPID)
check "runs as the presenced user" bash -c "[[ \$(stat -c %U /proc/$pid) == presenced ]]"
in_groups() { local groups; groups=" $(awk '/^Groups:/ { $1 = ""; print }' /proc/$pid/status) "
  for g in video audio dialout; do [[ $groups == *" $(getent group $g | cut -d: -f3) "* ]] || return 1; done; }
check "in the groups video, audio and dialout (SupplementaryGroups)" in_groups
check "no capabilities" grep -q '^CapEff:\s*0000000000000000$' /proc/$pid/status
check "no new privileges" grep -q '^NoNewPrivs:\s*1$' /proc/$pid/status
check "a seccomp filter (SystemCallFilter)" grep -q '^Seccomp:\s*2$' /proc/$pid/status
# Even root cannot write to a read-only mount: enter the service's mount namespace and try.
check "/usr and /etc are read-only to it (ProtectSystem=strict)" \
  bash -c "! nsenter -t $pid -m -- touch /usr/.probe 2>/dev/null && ! nsenter -t $pid -m -- touch /etc/.probe 2>/dev/null"
touch /root/.marker
check "/root is hidden (ProtectHome)" bash -c "! nsenter -t $pid -m -- test -e /root/.marker"
check "/var/lib/presenced is writable (StateDirectory)" nsenter -t $pid -m -- touch /var/lib/presenced/.probe

# DevicePolicy=closed: a command in the service's own sandbox (ExecStartPre) opens /dev/net/tun (0666, not
# in DeviceAllow=). Whether this systemd can enforce device policies at all is probed first.
printf '[Service]\nType=oneshot\nDevicePolicy=closed\nExecStart=/bin/sh -c "exec 3</dev/net/tun"\n' > /run/systemd/system/device-probe.service
systemctl daemon-reload
if [[ ! -e /dev/net/tun ]]; then
  skip "DevicePolicy=closed: no /dev/net/tun in this container to try"
elif systemctl start device-probe.service 2>/dev/null; then
  skip "DevicePolicy=closed: this systemd enforces no device policy here (a probe unit opened /dev/net/tun)"
else
  mkdir -p /etc/systemd/system/presenced.service.d
  printf '[Service]\nExecStartPre=-/bin/sh -c "exec 3</dev/net/tun && echo device-probe: opened || echo device-probe: refused"\n' \
    > /etc/systemd/system/presenced.service.d/test-devices.conf
  systemctl daemon-reload; systemctl restart presenced.service
  check "DevicePolicy=closed: the service cannot open /dev/net/tun" \
    bash -c 'journalctl -u presenced.service -o cat | grep -q "device-probe: refused"'
  rm /etc/systemd/system/presenced.service.d/test-devices.conf; systemctl daemon-reload
fi

echo "# the demo configuration: events from the socket"
sed -e 's|"../Recordings/demo.mcap"|"/opt/demo.mcap"|' \
    -e 's|"../models/default.model"|"/usr/share/presenced/default.model"|' \
    -e 's|"../run/events.sock"|"/run/presenced/events.sock"|' \
    -e 's|"../run/clips"|"/var/lib/presenced/clips"|' \
    -e 's|"../run/state"|"/var/lib/presenced"|' \
    -e 's|^group = ""|group = "presenced"|' /opt/presenced/demo.toml > /etc/presenced/presenced.toml
check "the demo configuration passes check-config" presenced check-config /etc/presenced/presenced.toml
check "systemctl restart (waits for READY)" systemctl restart presenced.service
check "STATUS= names the replay" bash -c '[[ $(systemctl show -P StatusText presenced.service) == *replaying* ]]'
timeout 40 presenced watch --lines --socket /run/presenced/events.sock > /opt/out/events.txt 2>&1 &
watcher=$!
check "a client sees the hello and the room become occupied (a person walks in at 8 s)" \
  wait_for 40 bash -c "grep -q 'connected to presenced' /opt/out/events.txt && grep -q 'room OCCUPIED' /opt/out/events.txt"
kill $watcher 2>/dev/null; wait $watcher 2>/dev/null
sed 's/^/  /' /opt/out/events.txt | head -5
check "/metrics answers on loopback" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9468; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; grep -q "^presence_occupied" <&3'
check "systemctl reload: RELOADING=1 … READY=1, still active" bash -c 'systemctl reload presenced.service && systemctl is-active --quiet presenced.service'
check "the journal says the configuration was reloaded" wait_for 10 bash -c 'journalctl -u presenced.service -o cat | grep -q "configuration reloaded"'

echo "# network: loopback only (IPAddressDeny=any, IPAddressAllow=localhost)"
# The container has its own network (--private-network); 10.42.0.1 on its loopback device is an
# address that is reachable but not "localhost". MQTT is the daemon's one outgoing connection.
ip addr add 10.42.0.1/32 dev lo
cp /etc/presenced/presenced.toml /tmp/demo.toml
mqtt_to() { cp /tmp/demo.toml /etc/presenced/presenced.toml; printf '[mqtt]\nbroker = "%s:1883"\n' "$1" >> /etc/presenced/presenced.toml; systemctl reload presenced.service; }
mqtt_error() { journalctl -u presenced.service -o cat | grep "mqtt connection failed broker=$1" | tail -1; }
mqtt_to 127.0.0.1
check "to 127.0.0.1 the connection is refused by the (absent) broker" wait_for 10 bash -c "journalctl -u presenced.service -o cat | grep 'mqtt connection failed broker=127.0.0.1' | grep -qi refused"
# Whether this systemd can attach its BPF firewall at all (it needs the unified cgroup hierarchy; a
# container on a cgroup-v1 host gets none): a unit that denies everything tries /metrics.
cat > /run/systemd/system/firewall-probe.service <<'UNIT'
[Service]
Type=oneshot
IPAddressDeny=any
ExecStart=/bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/9468'
UNIT
systemctl daemon-reload
mqtt_to 10.42.0.1
if systemctl start firewall-probe.service 2>/dev/null; then
  skip "to 10.42.0.1 the firewall refuses it first: this systemd enforces no IPAddressDeny= here (a probe unit with IPAddressDeny=any reached 127.0.0.1)"
else
  check "to 10.42.0.1 the firewall refuses it first" wait_for 10 bash -c "journalctl -u presenced.service -o cat | grep 'mqtt connection failed broker=10.42.0.1' | grep -qi 'not permitted'"
fi
echo "  $(mqtt_error 127.0.0.1)"
echo "  $(mqtt_error 10.42.0.1)"
cp /tmp/demo.toml /etc/presenced/presenced.toml
systemctl reload presenced.service

echo "# watchdog: a stalled pipeline is restarted"
mkdir -p /etc/systemd/system/presenced.service.d
cat > /etc/systemd/system/presenced.service.d/test-watchdog.conf <<'DROPIN'
[Service]
# The debug hook: SIGUSR2 stops the pipeline's ticks for good (DebugHooks.swift).
Environment=PRESENCED_DEBUG_STALL_ON_SIGUSR2=1
WatchdogSec=4s
# The watchdog's SIGABRT would dump core; not wanted here.
LimitCORE=0
DROPIN
systemctl daemon-reload
check "restart with the debug hook" systemctl restart presenced.service
old_pid=$(prop presenced.service MainPID)
restarts=$(prop presenced.service NRestarts)
stall_at=$SECONDS
systemctl kill --kill-whom=main -s SIGUSR2 presenced.service
check "the journal says the pipeline stalled" wait_for 15 bash -c 'journalctl -u presenced.service -o cat | grep -q "not pinging the watchdog"'
check "systemd's watchdog fires and restarts presenced" \
  wait_for 40 bash -c "(( \$(systemctl show -P NRestarts presenced.service) > $restarts )) && systemctl is-active --quiet presenced.service"
new_pid=$(prop presenced.service MainPID)
check "a new process ($old_pid -> $new_pid)" test "$new_pid" != "$old_pid" -a "$new_pid" != 0
echo "  stalled to running again: $((SECONDS - stall_at)) s"
journalctl -u presenced.service -o cat --no-pager | grep -i "watchdog timeout" | tail -1 | sed 's/^/  /'
check "systemd logged a watchdog timeout" bash -c 'journalctl -u presenced.service -o cat | grep -qi "watchdog timeout"'
rm /etc/systemd/system/presenced.service.d/test-watchdog.conf
systemctl daemon-reload

echo "# socket activation"
systemctl stop presenced.service
check "the service is stopped, the socket still listens" bash -c 'systemctl is-active --quiet presenced.socket && ! systemctl is-active --quiet presenced.service'
timeout 20 presenced watch --lines --socket /run/presenced/events.sock > /opt/out/activated.txt 2>&1 &
watcher=$!
check "a client connecting starts the service" wait_for 20 active presenced.service
check "and gets the hello" wait_for 20 grep -q 'connected to presenced' /opt/out/activated.txt
kill $watcher 2>/dev/null; wait $watcher 2>/dev/null
check "the daemon took the socket from systemd" bash -c 'journalctl -u presenced.service -o cat | grep -q "path=systemd socket"'

# EPERM would be the syscall filter refusing setpriority; EACCES (a raise without CAP_SYS_NICE) is expected.
check "the syscall filter lets libdispatch renice its workers" \
  bash -c '! journalctl -u presenced.service -o cat | grep -q "Failed to set thread priority.*errno=1$"'

echo "# clean stop"
check "systemctl stop" systemctl stop presenced.service
check "exited 0, result success" bash -c '[[ $(systemctl show -P Result presenced.service) == success && $(systemctl show -P ExecMainStatus presenced.service) == 0 ]]'
check "the journal has presenced's own goodbye" bash -c 'journalctl -u presenced.service -o cat | grep -q "presenced stopped"'
systemctl start presenced.service

echo "# restart and upgrade keep the room: no vacant in between on the socket or on MQTT"
mosquitto -p 1884 > /opt/out/mosquitto.log 2>&1 &
broker=$!
cp /tmp/demo.toml /etc/presenced/presenced.toml
printf '[mqtt]\nbroker = "127.0.0.1:1884"\nnode_id = "room"\n' >> /etc/presenced/presenced.toml
check "restart with MQTT to a local broker" systemctl restart presenced.service
timeout 120 mosquitto_sub -h 127.0.0.1 -p 1884 -v -t presenced/room/occupancy > /opt/out/mqtt.txt 2>&1 &
subscriber=$!
timeout 120 presenced watch --lines --socket /run/presenced/events.sock > /opt/out/restart.txt 2>&1 &
watcher=$!
check "the room becomes occupied (the demo's person walks in at 8 s)" wait_for 60 grep -q 'room OCCUPIED' /opt/out/restart.txt
check "Home Assistant sees it (MQTT ON)" wait_for 10 grep -q 'presenced/room/occupancy ON' /opt/out/mqtt.txt
check "systemctl restart while occupied" systemctl restart presenced.service
check "the client's hello after the restart says occupied" \
  wait_for 20 bash -c '(( $(grep -c "connected to presenced" /opt/out/restart.txt) >= 2 )) && grep "connected to presenced" /opt/out/restart.txt | tail -1 | grep -q "room OCCUPIED"'
check "the journal says the room was taken up" bash -c 'journalctl -u presenced.service -o cat | grep -q "room state taken up from before the restart"'
sleep 10  # the replay started over: the person is back and sitting when the upgrade comes

echo "# upgrade"
pid=$(prop presenced.service MainPID)
check "dpkg -i of a newer version" dpkg -i "$v2"
check "the service was restarted on the new version" wait_for 30 bash -c "systemctl is-active --quiet presenced.service && [[ \$(systemctl show -P MainPID presenced.service) != $pid ]]"
check "the changed configuration was kept" grep -q /opt/demo.mcap /etc/presenced/presenced.toml
check "dpkg says the new version is installed" bash -c "dpkg-query -W -f='\${Version}' presenced | grep -q nspawn2"
check "the client's hello after the upgrade says occupied" \
  wait_for 20 bash -c '(( $(grep -c "connected to presenced" /opt/out/restart.txt) >= 3 )) && grep "connected to presenced" /opt/out/restart.txt | tail -1 | grep -q "room OCCUPIED"'
sleep 3
kill $watcher $subscriber 2>/dev/null; wait $watcher $subscriber 2>/dev/null
sed 's/^/  /' /opt/out/restart.txt
sed 's/^/  mqtt: /' /opt/out/mqtt.txt
check "the socket client saw no vacant after the room became occupied" \
  bash -c '! sed -n "/room OCCUPIED/,\$p" /opt/out/restart.txt | grep -q "room vacant"'
check "Home Assistant saw no OFF after ON" bash -c '! sed -n "/ON\$/,\$p" /opt/out/mqtt.txt | grep -q "OFF\$"'
kill $broker 2>/dev/null
cp /tmp/demo.toml /etc/presenced/presenced.toml

echo "# remove and purge"
check "dpkg -r" dpkg -r presenced
check "the service and socket are stopped" bash -c '! systemctl is-active --quiet presenced.service && ! systemctl is-active --quiet presenced.socket'
check "the binary is gone" test ! -e /usr/bin/presenced
check "the configuration stays until purge" test -e /etc/presenced/presenced.toml
check "dpkg -i after a remove" dpkg -i "$v1"
echo "  after reinstall: service $(systemctl is-enabled presenced.service) $(systemctl is-active presenced.service), socket $(systemctl is-enabled presenced.socket) $(systemctl is-active presenced.socket)"
check "starts it again" wait_for 30 active presenced.service
check "dpkg -P" dpkg -P presenced
check "the configuration and state are gone" bash -c '! test -e /etc/presenced && ! test -e /var/lib/presenced'
leftover=$(find /etc/systemd /usr/lib/systemd /var/lib/systemd/deb-systemd-helper-enabled -name 'presenced*' 2>/dev/null)
check "no unit files or enablement links are left${leftover:+: $leftover}" test -z "$leftover"
check "systemd knows no presenced units" bash -c '! systemctl list-unit-files | grep -q presenced'
echo "  install to purge: $((SECONDS - t0)) s"
