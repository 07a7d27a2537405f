#!/bin/busybox sh
# /init of the test guest: load the drivers, mount the host's root read-only
# over 9p with a tmpfs overlay on top (so /tmp and all writes stay in memory, while
# the host's /tmp, where a checkout may live, stays visible), and run the test script given on the
# kernel command line (presenced.test=PATH) in that root. Its output directory
# is the host's `out` share; its exit status goes to out/status.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do
  case $m in
    vivid.ko) insmod /modules/$m n_devs=1 node_types=0x1 ;;   # one video capture node: /dev/video0
    *) insmod /modules/$m ;;
  esac
done
test=$(sed -n 's/.*presenced\.test=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 host /host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out
mount -t tmpfs tmpfs /overlay
mkdir -p /overlay/upper /overlay/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/overlay/upper,workdir=/overlay/work /newroot
for d in dev proc sys; do mount --bind /$d /newroot/$d; done
mkdir -p /newroot/vmout
mount --bind /out /newroot/vmout
chroot /newroot /bin/sh "$test" /vmout > /out/guest.log 2>&1
echo $? > /out/status
sync
poweroff -f
