import { readFileSync, statSync } from 'node:fs';
import type { Store } from '../../../server/store/store.js';
import type { UnitOutcome, WriteUnit } from '../../../server/store/write-units.js';

/** WAL frame size at the default 4 KB page: the page and a 24-byte frame header. */
const FRAME_BYTES = 4096 + 24;
const HEADER_BYTES = 32;

export interface LogPages {
  /** the store to hand to the service: every write through it is counted */
  store: Store;
  /** pages of write-ahead log each commit added, by the kinds of unit it held ("answer", "scored+ask", ...) */
  byKind: Map<string, number[]>;
}

/**
 * Counts the pages of write-ahead log each write adds, from the log's size before and after it: what
 * every commit costs the disk, and what its fsync must flush. Only right for a store whose log is never
 * checkpointed meanwhile (no checkpoint thread, no writer limit in reach) and whose writes do not
 * overlap (one interview at a time).
 */
export function countLogPages(inner: Store, dbPath: string): LogPages {
  const byKind = new Map<string, number[]>();
  const frames = () => {
    try {
      return Math.max(0, (statSync(`${dbPath}-wal`).size - HEADER_BYTES) / FRAME_BYTES);
    } catch {
      return 0;
    }
  };
  const writeAll = async (units: WriteUnit[], opts?: { durable?: boolean }): Promise<UnitOutcome[]> => {
    const before = frames();
    const outcomes = await inner.writeAll(units, opts);
    if (units.length > 0) {
      const kind = units.map((u) => (u.kind === 'scored' && u.ask ? 'scored+ask' : u.kind)).join(',');
      byKind.set(kind, [...(byKind.get(kind) ?? []), frames() - before]);
    }
    return outcomes;
  };
  const store: Store = Object.assign(Object.create(null) as Store, inner, {
    writeAll,
    async write(unit: WriteUnit, opts?: { durable?: boolean }) {
      const [outcome] = await writeAll([unit], opts);
      if (!outcome!.ok) throw new Error(`store write failed: ${outcome!.message}`);
      return outcome!.value;
    },
  });
  return { store, byKind };
}

/**
 * Distinct database pages among the WAL's frames, counted in windows of `windowFrames` frames: what a
 * checkpoint that ran after each window would copy into the database file and then sync. A page
 * written many times in a window (the last leaf of an index that grows at its end) is copied once;
 * pages scattered over a b-tree (random keys) are each copied. Only right for a log that has not been
 * checkpointed or started over.
 */
export function distinctPagesPerWindow(dbPath: string, windowFrames: number): number[] {
  let log: Buffer;
  try {
    log = readFileSync(`${dbPath}-wal`);
  } catch {
    return [];
  }
  const windows: number[] = [];
  let pages = new Set<number>();
  let inWindow = 0;
  for (let at = HEADER_BYTES; at + FRAME_BYTES <= log.length; at += FRAME_BYTES) {
    // each frame header starts with the number of the page it holds
    pages.add(log.readUInt32BE(at));
    if (++inWindow === windowFrames) {
      windows.push(pages.size);
      pages = new Set();
      inWindow = 0;
    }
  }
  return windows;
}
