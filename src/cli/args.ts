// Command-line parsing shared by the lde commands: option values are checked
// here, so every absurd value becomes one clear line (UsageError, status 2).

export class UsageError extends Error {}

const UNITS: Record<string, number> = { '': 1, k: 1024, kb: 1024, kib: 1024, m: 1 << 20, mb: 1 << 20, mib: 1 << 20, g: 1 << 30, gb: 1 << 30, gib: 1 << 30 };

/** Parses a size such as 128M, 64KiB, 1G or 4096 (bytes); binary units. */
export function parseSize(opt: string, text: string, min: number, max: number): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${opt}: '${text}' is not a size (examples: 128M, 64KiB, 1G)`);
  const v = Number(m[1]) * unit;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${opt}: ${text} is out of range (${fmtSize(min)} to ${fmtSize(max)})`);
  return v;
}

/** Parses a positive whole number (underscores and k/M/G suffixes allowed: 10M = 10,000,000). */
export function parseCount(opt: string, text: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const m = /^(\d[\d_]*)([kmg]?)$/i.exec(text.trim());
  if (!m) throw new UsageError(`${opt}: '${text}' is not a whole number`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase()] ?? 1;
  const v = Number(m[1].replace(/_/g, '')) * mult;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${opt}: ${text} is out of range (${min} to ${max})`);
  return v;
}

export function fmtSize(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)}G`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return `${n}`;
}

export interface Parsed {
  opts: Map<string, string | true>;
  rest: string[];
}

/**
 * Splits argv into options and positional arguments. `valued` lists the
 * options that take a value (--mem 64M or --mem=64M); `flags` those that do
 * not. Option parsing stops at the first positional argument (so a guest
 * program's own options pass through) or at `--`.
 */
export function parseArgs(argv: string[], valued: string[], flags: string[]): Parsed {
  const opts = new Map<string, string | true>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valued.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      opts.set(name, v);
    } else if (flags.includes(name) && eq < 0) opts.set(name, true);
    else throw new UsageError(`unknown option ${name}`);
  }
  return { opts, rest: argv.slice(i) };
}
