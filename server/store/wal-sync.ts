import { closeSync, fdatasync, openSync } from 'node:fs';

/**
 * Makes committed WAL transactions durable by syncing the write-ahead log from libuv's thread pool.
 * The writer's connection commits with synchronous = NORMAL, which writes the WAL but does not wait
 * for the disk; a durable write is acknowledged only after this sync. Meanwhile the writer goes on
 * committing writes that need no fsync, instead of sitting in one as synchronous = FULL would make it.
 *
 * One sync covers every transaction committed before it began, so callers that arrive while one is
 * under way share the next: under load, many commits ride on one fsync. In WAL mode frames reach the
 * file in commit order and carry checksums, so what power loss can take is a tail of commits, never
 * a hole: everything before the last completed sync survives.
 */
export class WalSync {
  private fd: number | undefined;
  private closed = false;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  /** @param walPath the database's `-wal` file; undefined for an in-memory database, which has nothing to sync */
  constructor(private readonly walPath: string | undefined) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (this.walPath === undefined) return Promise.resolve();
    // a sync already under way may have started before the caller's commit: wait for the one after it
    if (!this.running) return this.start();
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  /** Closes the file once any sync under way is done. */
  close(): void {
    this.closed = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    const pending = this.next ?? this.running;
    if (pending) void pending.catch(() => {}).finally(() => closeSync(fd));
    else closeSync(fd);
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    const run = new Promise<void>((resolve, reject) => {
      if (this.closed) throw new Error('the WAL file is closed');
      // opened on first use: SQLite creates the file with the first write, and keeps it while connected
      this.fd ??= openSync(this.walPath!, 'r');
      fdatasync(this.fd, (err) => (err ? reject(err) : resolve()));
    });
    this.running = run;
    void run.catch(() => {}).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    return run;
  }
}
