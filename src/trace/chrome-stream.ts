// The output half of --trace: records of Chrome trace-event JSON, written in
// time order as soon as no earlier one can follow (see ChromeTraceSink).
//
// Streaming: records are written as soon as no earlier one can follow, so
// ts never decreases in the output. A span is written when it ends (its ts is
// its start), and an arrow's start only once its end is known (or dropped
// if the woken process never ran), so records wait in a small buffer. The
// sink says how far it is safe to write: the earliest start of anything
// still open (its `mark`). A process's state span can be long (a parent
// asleep in wait4 for the whole run) and holds back everything after its
// start; so when more than `maxPending` records wait, the sink cuts each such
// span where the harts' open spans begin and lets it go on as a new span
// with args.continued = true (same name, same args). The cut depends only on
// the events, so the output stays the same bytes on every run.
//
// Time: ts and dur in microseconds = cycles / 1000, written with three
// decimals so that nanosecond (cycle) precision survives.

/** A queued record: its JSON text, where it goes in time, and the order it logically happened in. */
export interface Rec {
  /** Cycle of the record's ts. */
  cycle: number;
  /** Ties on ts keep this order. */
  seq: number;
  json: string;
}

/**
 * Cycles (ns) as microseconds. JSON.stringify writes the shortest decimal
 * that reads back as the same double, so every nanosecond survives (three
 * decimals at most, exact far beyond any run's length).
 */
export const us = (cycles: number) => cycles / 1000;

/** The buffer of records not yet written, and the JSON document around them. */
export class RecordStream {
  private pending: Rec[] = [];
  private seq = 0;
  private started = false;
  /** The last flush's mark: records before it are written. */
  private mark = -Infinity;

  /** write receives the JSON text in order, in chunks. */
  constructor(private readonly write: (chunk: string) => void) {}

  /** Records waiting to be written. */
  get waiting(): number {
    return this.pending.length;
  }

  /** The next number in the one logical order shared by records and the spans that become records. */
  nextSeq(): number {
    return this.seq++;
  }

  /** Queues a complete span (ph "X") from `start` to `end`, with the seq it was opened with. */
  span(start: number, end: number, seq: number, ev: Record<string, unknown>): void {
    const { name, cat, ...rest } = ev;
    this.pending.push({ cycle: start, seq, json: JSON.stringify({ name, cat, ph: 'X', ts: us(start), dur: us(end - start), ...rest }) });
  }

  /** Queues a record at `cycle` (its ts). */
  push(cycle: number, ev: Record<string, unknown>): Rec {
    const { name, cat, ph, ...rest } = ev;
    const rec = { cycle, seq: this.seq++, json: JSON.stringify({ name, ...(cat !== undefined ? { cat } : {}), ph, ts: us(cycle), ...rest }) };
    this.pending.push(rec);
    return rec;
  }

  /** Takes back a queued record that must not be written (an arrow whose end never came). */
  drop(rec: Rec): void {
    this.pending = this.pending.filter((r) => r !== rec);
  }

  /**
   * Writes every queued record before `mark`, the earliest start of anything
   * still open (with `all`, every record). Every record queued since the last
   * flush is at or after that flush's mark, so nothing can be written until
   * it moves.
   */
  flush(mark: number, all = false): void {
    if (all) mark = Infinity;
    else if (mark <= this.mark) return;
    this.mark = mark;
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => a.cycle - b.cycle || a.seq - b.seq);
    let n = 0;
    while (n < this.pending.length && this.pending[n].cycle < mark) n++;
    if (n === 0) return;
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    let text = '';
    for (const r of out) {
      text += (this.started ? ',\n' : '{"traceEvents":[\n') + r.json;
      this.started = true;
    }
    this.write(text);
  }

  /** Writes what is left and ends the JSON document. Call once. */
  end(): void {
    this.flush(Infinity, true);
    if (!this.started) this.write('{"traceEvents":[');
    this.write('\n],"displayTimeUnit":"ns","otherData":{"clock":"virtual: 1 cycle = 1 ns at 1 GHz; ts in µs"}}\n');
  }
}
