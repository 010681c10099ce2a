import { closeSync, fdatasyncSync, openSync } from 'node:fs';

/**
 * Syncs one file to disk (fdatasync), opening it on first use. Two users:
 *
 * - The writer thread syncs the write-ahead log right after a commit that holds a durable write. Its
 *   connection commits with synchronous = NORMAL, which writes the WAL but does not wait for the
 *   disk, so a batch holding only writes that can be redone (an assessment, a next question, a
 *   report) costs no fsync at all. The sync blocks the writer thread, on purpose: requests that
 *   arrive meanwhile go out together in the next commit and the next sync, so under load many
 *   answers share one fsync. Syncing from the thread pool instead left the writer free, but each
 *   acknowledgement then crossed two more threads (to the pool and back to the writer), and on two
 *   busy cores each crossing waits for a turn on a core: the live benchmark's p50 at N = 500 was about
 *   1 ms slower and its p99 about 11 ms. In WAL mode frames reach the file in commit order and carry
 *   checksums, so what power loss can take is a tail of commits, never a hole: everything before the
 *   last completed sync survives.
 * - The checkpoint thread syncs the database file after each checkpoint that copied pages
 *   (wal-checkpoint-worker.ts).
 */
export class FileSync {
  private fd: number | undefined;

  /** @param path the file; undefined for an in-memory database, which has nothing to sync */
  constructor(private readonly path: string | undefined) {}

  /** Returns once everything written to the file before the call is on disk; throws what the fsync threw. */
  sync(): void {
    if (this.path === undefined) return;
    // opened on first use: SQLite creates the WAL with the first write, and keeps it while connected
    this.fd ??= openSync(this.path, 'r');
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
