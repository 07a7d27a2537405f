#!/usr/bin/env bash
# Installs presenced: the binary, systemd units, sysusers.d and tmpfiles.d files, the default
# configuration (pointing at the shipped model), the model, the manual page and the docs.
#   scripts/install.sh BINARY MANPAGE
# Environment: DESTDIR (staging root, default none), PREFIX (default /usr/local), SYSCONFDIR
# (default /etc). An existing configuration file is never overwritten: the new one lands beside
# it as presenced.toml.new. Used by `make install` and by scripts/deb.sh (PREFIX=/usr).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:?usage: scripts/install.sh BINARY MANPAGE}
man=${2:?usage: scripts/install.sh BINARY MANPAGE}
destdir=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
sysconfdir=${SYSCONFDIR:-/etc}
[[ "$prefix" == /* && "$sysconfdir" == /* ]] || { echo "install: PREFIX and SYSCONFDIR must be absolute" >&2; exit 64; }
[[ -x "$bin" ]] || { echo "install: no binary at $bin (make release)" >&2; exit 66; }
[[ -f "$man" ]] || { echo "install: no manual page at $man" >&2; exit 66; }

root="$destdir"
# systemd looks for units, sysusers.d and tmpfiles.d under /usr/lib and /usr/local/lib alike.
libdir="$prefix/lib"
share="$prefix/share"
config="$sysconfdir/presenced/presenced.toml"

install -D -m 0755 "$bin" "$root$prefix/bin/presenced"
strip --strip-unneeded "$root$prefix/bin/presenced" 2>/dev/null || true

# The units name /usr/bin/presenced and /etc/presenced/presenced.toml; other prefixes rewrite them.
for unit in presenced.service presenced.socket; do
  install -d -m 0755 "$root$libdir/systemd/system"
  sed -e "s|/usr/bin/presenced|$prefix/bin/presenced|g" \
      -e "s|/etc/presenced/presenced.toml|$config|g" \
      "systemd/$unit" > "$root$libdir/systemd/system/$unit"
  chmod 0644 "$root$libdir/systemd/system/$unit"
done
install -D -m 0644 systemd/presenced.sysusers "$root$libdir/sysusers.d/presenced.conf"
install -D -m 0644 systemd/presenced.tmpfiles "$root$libdir/tmpfiles.d/presenced.conf"

install -D -m 0644 models/default.model "$root$share/presenced/default.model"
install -D -m 0644 models/README.md "$root$share/doc/presenced/model-card.md"
# The sound classifier is built into the binary; its card and its data's attribution go with it (the
# licences of data/sound/README.md ask for the attribution wherever the model is shipped).
install -D -m 0644 models/SOUND.md "$root$share/doc/presenced/sound-model-card.md"
install -D -m 0644 data/sound/README.md "$root$share/doc/presenced/sound-data.md"
install -D -m 0644 README.md "$root$share/doc/presenced/README.md"
install -d -m 0755 "$root$share/man/man8"
gzip -9 -n -c "$man" > "$root$share/man/man8/presenced.8.gz"
chmod 0644 "$root$share/man/man8/presenced.8.gz"

# The documented configuration with the installed model instead of the one built into the binary.
model_line='^model = ""  '
grep -q "$model_line" config/presenced.toml || { echo "install: config/presenced.toml has no '[fusion] model = \"\"' line to point at the model" >&2; exit 70; }
new_config=$(mktemp)
trap 'rm -f "$new_config"' EXIT
sed -e "s|$model_line|model = \"$share/presenced/default.model\"  |" config/presenced.toml > "$new_config"
install -d -m 0755 "$root$sysconfdir/presenced"
if [[ -e "$root$config" ]] && ! cmp -s "$new_config" "$root$config"; then
  install -m 0644 "$new_config" "$root$config.new"
  echo "install: kept your $config; the new default is $config.new" >&2
else
  install -m 0644 "$new_config" "$root$config"
fi
# Under a DESTDIR the model is not yet where the configuration says; the package checks it once installed.
if [[ -z "$destdir" ]]; then
  "$prefix/bin/presenced" check-config "$config" >/dev/null || { echo "install: $config does not pass presenced check-config" >&2; exit 78; }
fi
echo "install: presenced in $root$prefix (configuration $root$config)" >&2
