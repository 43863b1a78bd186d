#!/usr/bin/env bash
# Debian's riscv64 Linux kernel and an initramfs with its static busybox, for
# `lde boot` and test/guests.test.ts (LDE_LINUX=DIR). Nothing here is part of
# lde: the packages come from Debian (scripts/riscv64-debs.sh), into DIR.
#
#   scripts/linux-guest.sh DIR
#
# DIR/vmlinux       the kernel (an ELF; lde boot also takes a Linux Image)
# DIR/initrd.cpio.gz  busybox, the virtio-mmio, virtio-blk, virtio-rng and
#                   virtio-net modules (Debian builds them as modules; virtio-net
#                   needs failover and net_failover first), and an /init that
#                   loads them, mounts /proc, /sys and /dev, prints
#                   "lde: Linux VERSION is up on N hart(s)" and starts a shell
#                   on the kernel's console (ttyS0, or hvc0: the virtio console)
set -euo pipefail
dir=${1:?usage: linux-guest.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
"$here/riscv64-debs.sh" "$dir/root" linux-image-riscv64 busybox-static
vmlinux=$(ls "$dir"/root/boot/vmlinux-* | head -1)
cp "$vmlinux" "$dir/vmlinux"
modules=$(ls -d "$dir"/root/usr/lib/modules/* | head -1)
init=$(mktemp -d)
mkdir -p "$init/bin" "$init/lib/modules"
cp "$dir/root/usr/bin/busybox" "$init/bin/busybox"
for m in drivers/virtio/virtio_mmio drivers/block/virtio_blk drivers/char/hw_random/virtio-rng net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
  if [ -f "$modules/kernel/$m.ko.xz" ]; then xz -dc "$modules/kernel/$m.ko.xz" > "$init/lib/modules/$(basename $m).ko"
  elif [ -f "$modules/kernel/$m.ko" ]; then cp "$modules/kernel/$m.ko" "$init/lib/modules/"; fi
done
cat > "$init/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in virtio_mmio virtio_blk virtio-rng failover net_failover virtio_net; do [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko; done
# The shell on the console the kernel chose (console=ttyS0, or hvc0 with lde boot --virtio-console), as its controlling tty.
exec setsid cttyhack sh -c 'echo "lde: Linux $(uname -r) is up on $(grep -c ^processor /proc/cpuinfo) hart(s)"; exec sh'
INIT
chmod +x "$init/init"
(cd "$init" && find . | cpio -o -H newc --quiet | gzip -9 > "$dir/initrd.cpio.gz")
rm -rf "$init"
echo "Linux guest in $dir: $(basename "$vmlinux"), initrd.cpio.gz"
