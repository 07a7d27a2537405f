#!/usr/bin/env bash
# Builds the Debian package out/presenced_<version>_<arch>.deb from a release binary and the
# manual page: scripts/install.sh into a staging root (PREFIX=/usr), the maintainer scripts of
# packaging/deb/, and Depends from dpkg-shlibdeps (the Swift runtime is linked in statically).
#   scripts/deb.sh BINARY MANPAGE [VERSION]     (VERSION defaults to `presenced --version`)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:?usage: scripts/deb.sh BINARY MANPAGE [VERSION]}
man=${2:?usage: scripts/deb.sh BINARY MANPAGE [VERSION]}
version=${3:-$("$bin" --version)}
arch=$(dpkg --print-architecture)
out=out
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc scripts/install.sh "$bin" "$man"
rm -f "$root/etc/presenced/presenced.toml.new"
install -D -m 0644 packaging/deb/copyright "$root/usr/share/doc/presenced/copyright"

# The shared libraries the binary links, as package dependencies with versions.
mkdir -p "$stage/debian"
printf 'Source: presenced\n\nPackage: presenced\nArchitecture: any\n' > "$stage/debian/control"
shlibs=$(cd "$stage" && dpkg-shlibdeps -O -e "root/usr/bin/presenced" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n "$shlibs" ]] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 70; }

install -d -m 0755 "$root/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/deb/$script" "$root/DEBIAN/$script"
done
echo /etc/presenced/presenced.toml > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" \
  packaging/deb/control.in > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/presenced_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
