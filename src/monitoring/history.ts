// The last minutes of a watch: a ring buffer of samples, and the columns a sparkline of a given
// width shows of them.

/** The newest `capacity` items; older ones are dropped as new ones arrive. */
export class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;
  /** Items pushed since the beginning (the number of the next one). */
  pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`internal: ring capacity ${capacity}`);
  }

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
    this.pushed++;
  }

  get size(): number {
    return this.items.length;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }

  get latest(): T | undefined {
    return this.items.length === 0 ? undefined : this.items[(this.start + this.items.length - 1) % this.items.length];
  }
}

/** Samples a window of `windowSeconds` holds at one every `intervalSeconds` (at least 2, at most 3600). */
export function windowCapacity(intervalSeconds: number, windowSeconds: number): number {
  return Math.min(3600, Math.max(2, Math.ceil(windowSeconds / intervalSeconds)));
}

export type Reduce = 'mean' | 'max';

/**
 * A ring's values in at most `width` columns covering all it holds: one sample a column while
 * they fit, then `ceil(size / width)` samples a column (mean or max of them; null values left
 * out, a column of nulls is null), so the graph zooms out as the window fills. Columns are
 * aligned to sample numbers, so they do not shift as samples arrive; the newest column may be
 * partly filled. Oldest column first.
 */
export function columns<T>(ring: Ring<T>, pick: (item: T) => number | null, width: number, reduce: Reduce): (number | null)[] {
  const per = samplesPerColumn(ring, width);
  const items = ring.toArray();
  const first = ring.pushed - items.length;
  const buckets = new Map<number, number[]>();
  const order: number[] = [];
  items.forEach((item, i) => {
    const b = Math.floor((first + i) / per);
    if (!buckets.has(b)) {
      buckets.set(b, []);
      order.push(b);
    }
    const v = pick(item);
    if (v !== null && Number.isFinite(v)) buckets.get(b)!.push(v);
  });
  return order.slice(-width).map((b) => {
    const vs = buckets.get(b)!;
    if (vs.length === 0) return null;
    return reduce === 'max' ? Math.max(...vs) : vs.reduce((a, c) => a + c, 0) / vs.length;
  });
}

export function samplesPerColumn(ring: Ring<unknown>, width: number): number {
  return Math.max(1, Math.ceil(ring.size / Math.max(1, width)));
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One bar a value, from ▁ (min, default 0) to █ (max, default the largest value); a missing
 * value is a space. Values outside [min, max] are clamped; when max <= min every bar is ▁.
 */
export function sparkline(values: readonly (number | null)[], scale: { min?: number; max?: number } = {}): string {
  const min = scale.min ?? 0;
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = scale.max ?? Math.max(min, ...present);
  const span = max - min;
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      if (!(span > 0)) return BARS[0];
      const level = Math.round(((Math.min(max, Math.max(min, v)) - min) / span) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}
