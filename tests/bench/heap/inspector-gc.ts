/**
 * Forces a full garbage collection in another Node process through its inspector (started with
 * --inspect=127.0.0.1:0 and --expose-gc), so nothing has to be added to server code for it. Uses the
 * WebSocket global (Node 22, or Node 20 with --experimental-websocket).
 */
export class InspectorGc {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const w = msg.id === undefined ? undefined : this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id!);
      if (msg.error) w.reject(new Error(msg.error.message));
      else w.resolve(msg.result);
    });
  }

  static async connect(url: string): Promise<InspectorGc> {
    if (typeof WebSocket === 'undefined') throw new Error('no WebSocket global: run with --experimental-websocket on Node 20');
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot reach the inspector at ${url}`)), { once: true });
    });
    return new InspectorGc(socket);
  }

  private call(method: string, params: object = {}, timeoutMs = 30_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`inspector ${method} timed out`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Full, synchronous collections in the target (`gc()` from --expose-gc); twice, so finalisers' garbage goes too. */
  async collect(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const result = (await this.call('Runtime.evaluate', { expression: 'gc()' })) as { exceptionDetails?: unknown };
      if (result.exceptionDetails) throw new Error('gc() is not defined in the target: start it with --expose-gc');
    }
  }

  close(): void {
    this.socket.close();
  }
}
