// Numbers for people, shared by the sinks and the tour: counts with
// thousands separators, virtual time in its natural unit, percentiles.

/** 1,234,567 (and at most one decimal). */
export const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** Virtual time (cycles at 1 GHz: a cycle is a nanosecond) for people: 874 ns, 2.872 µs, 6.952 ms, 1.250 s. */
export function cyclesText(cycles: number): string {
  if (cycles < 1e3) return `${num(cycles)} ns`;
  if (cycles < 1e6) return `${(cycles / 1e3).toFixed(3)} µs`;
  if (cycles < 1e9) return `${(cycles / 1e6).toFixed(3)} ms`;
  return `${(cycles / 1e9).toFixed(3)} s`;
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1];
}
