#!/usr/bin/env bash
# Downloads Debian's riscv64 packages and unpacks them into a root that lde
# can use as --sysroot. Nothing it fetches is part of lde; see docs/programs.md.
#
#   scripts/riscv64-debs.sh ROOT [PACKAGE...]
#
# With no packages it takes the set the tests use. It adds a sources entry
# for Debian's current stable release restricted to riscv64, with the mirror
# URI the machine's apt sources already name, downloads, and removes the
# entry (and the foreign architecture, if it added it) again.
set -euo pipefail
root=${1:?usage: riscv64-debs.sh ROOT [PACKAGE...]}; shift
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(libc6 libgcc-s1 libstdc++6 busybox-static coreutils libacl1 libattr1 libselinux1 libpcre2-8-0 libcap2 libgmp10
  sqlite3 libsqlite3-0 libreadline8t64 libtinfo6 zlib1g lua5.4 liblua5.4-0 gzip xz-utils liblzma5 bzip2 libbz2-1.0)
release=${LDE_DEBIAN_RELEASE:-trixie}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
mirror=$( (grep -rhE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) \
  | grep -oE 'https?://[^ ]*/debian/?' | awk 'NR == 1')
mirror=${mirror:-http://deb.debian.org/debian}
list=/etc/apt/sources.list.d/lde-riscv64.sources
added_arch=""
if ! dpkg --print-foreign-architectures | grep -qx riscv64; then $SUDO dpkg --add-architecture riscv64; added_arch=1; fi
cleanup() {
  $SUDO rm -f "$list"
  [ -z "$added_arch" ] || $SUDO dpkg --remove-architecture riscv64 || true
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
}
trap cleanup EXIT
printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nArchitectures: riscv64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  "$mirror" "$release" | $SUDO tee "$list" >/dev/null
$SUDO apt-get update -qq
# A metapackage such as linux-image-riscv64 holds no files: take the versioned package it depends on.
for i in "${!pkgs[@]}"; do
  if [ "${pkgs[$i]}" = linux-image-riscv64 ]; then
    pkgs[$i]=$(apt-cache depends linux-image-riscv64:riscv64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}' | sed 's/:riscv64$//')
  fi
done
debs=$(mktemp -d)
chmod 777 "$debs"
(cd "$debs" && apt-get download $(printf '%s:riscv64 ' "${pkgs[@]}"))
mkdir -p "$root"
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root"; done
rm -rf "$debs"
# Debian's merged /usr: /bin, /sbin and /lib are links into /usr (base-files makes them on a real system).
for d in bin sbin lib; do [ -e "$root/$d" ] || [ ! -d "$root/usr/$d" ] || ln -s "usr/$d" "$root/$d"; done
echo "riscv64 root with ${#pkgs[@]} packages in $root"
