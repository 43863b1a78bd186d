// The newc ("new ASCII") cpio format that Linux unpacks as its initramfs
// (the kernel's Documentation/driver-api/early-userspace/buffer-format.rst):
// per file a 110-byte header of "070701" and 13 eight-digit hex fields, the
// name with its NUL, padding to 4 bytes, the data, padding to 4 bytes; the
// archive ends with the entry "TRAILER!!!". Linux unpacks archives placed
// one after another, compressed or not, each starting on a 4-byte boundary,
// and a later file replaces an earlier one of the same name: so `lde
// experiment guest` adds its programs and its own /init to a user's
// initramfs by appending one archive (`appendArchive`).

export interface CpioFile { name: string; data: Uint8Array; mode: number }

const enc = new TextEncoder();
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function entry(ino: number, name: string, mode: number, data: Uint8Array): Uint8Array {
  const nameBytes = enc.encode(name + '\0');
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = enc.encode('070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join(''));
  const head = header.length + nameBytes.length + pad4(header.length + nameBytes.length);
  const out = new Uint8Array(head + data.length + pad4(data.length));
  out.set(header, 0);
  out.set(nameBytes, header.length);
  out.set(data, head);
  return out;
}

/** A newc archive of these files (regular files; `mode` holds the permission bits), with the directories their names need. */
export function cpioArchive(files: CpioFile[]): Uint8Array {
  const parts: Uint8Array[] = [], dirs = new Set<string>();
  let ino = 1;
  for (const f of files) {
    const segs = f.name.split('/');
    for (let i = 1; i < segs.length; i++) {
      const d = segs.slice(0, i).join('/');
      if (d !== '' && !dirs.has(d)) { dirs.add(d); parts.push(entry(ino++, d, 0o040755, new Uint8Array(0))); }
    }
    parts.push(entry(ino++, f.name, 0o100000 | (f.mode & 0o7777), f.data));
  }
  parts.push(entry(0, 'TRAILER!!!', 0, new Uint8Array(0)));
  return concat(parts);
}

/** initrd (any archive Linux takes: gzip-compressed or not) followed by `more`, on a 4-byte boundary. */
export function appendArchive(initrd: Uint8Array, more: Uint8Array): Uint8Array {
  return concat([initrd, new Uint8Array(pad4(initrd.length)), more]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
