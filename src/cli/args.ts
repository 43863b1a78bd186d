// Option values, read from text: sizes, counts and seconds. Every absurd
// value becomes one clear line (UsageError, status 2) that names the option.

export class UsageError extends Error {}

const KIB = 1024, MIB = KIB * KIB, GIB = MIB * KIB, TIB = GIB * KIB;
const UNITS: Record<string, number> = {
  '': 1, k: KIB, kb: KIB, kib: KIB, m: MIB, mb: MIB, mib: MIB, g: GIB, gb: GIB, gib: GIB, t: TIB, tb: TIB, tib: TIB,
};

/** Parses a size such as 128M, 64KiB, 1G or 4096 (bytes); binary units. */
export function parseSize(opt: string, text: string, min: number, max: number): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${opt}: '${text}' is not a size (examples: 128M, 64KiB, 1G)`);
  const v = Number(m[1]) * unit;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${opt}: ${text} is out of range (${fmtSize(min)} to ${fmtSize(max)})`);
  return v;
}

/** Parses a whole number (underscores and k/M/G suffixes allowed: 10M = 10,000,000). */
export function parseCount(opt: string, text: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const m = /^(\d[\d_]*)([kmg]?)$/i.exec(text.trim());
  if (!m) throw new UsageError(`${opt}: '${text}' is not a whole number`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase()] ?? 1;
  const v = Number(m[1].replace(/_/g, '')) * mult;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${opt}: ${text} is out of range (${min} to ${max})`);
  return v;
}

/** Parses seconds, fractions allowed (0.5), from min to max. */
export function parseSeconds(opt: string, text: string, min: number, max: number): number {
  const v = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(v >= min && v <= max)) throw new UsageError(`${opt}: '${text}' is not a number of seconds from ${min} to ${max}`);
  return v;
}

/** A byte count in the largest binary unit that divides it: 64K, 2G, 4095. */
export function fmtSize(n: number): string {
  for (const [unit, size] of [['T', TIB], ['G', GIB], ['M', MIB], ['K', KIB]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}`;
}
