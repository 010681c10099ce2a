import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server that speaks the OpenAI chat-completions protocol, for tests of every LLM path
 * (the SDK is never patched). `POST /v1/chat/completions`, streaming (SSE) and plain, on 127.0.0.1:0.
 *
 *   const fake = await startFakeOpenAI();
 *   const config = configFor({ OPENAI_BASE_URL: fake.url, ... });
 *   fake.reply(() => JSON.stringify(grade));   // what the model "says"
 *   fake.fail(429, 1, { 'retry-after': '60' }); // the next request gets a 429
 *   ...
 *   await fake.close();
 */

export interface RecordedRequest {
  /** the parsed JSON body: model, messages, stream, response_format, ... */
  body: ChatRequestBody;
  headers: Record<string, string | string[] | undefined>;
}

export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
}

/** What the model says to request number `index` (0-based, counting every request the fake got). */
export type ReplyFn = (body: ChatRequestBody, index: number) => string;

export interface FakeOpenAI {
  /** base URL for the SDK / OPENAI_BASE_URL, ending in /v1 */
  readonly url: string;
  /** every request, in arrival order, failed ones included */
  readonly requests: RecordedRequest[];
  /** Sets the reply for all later requests. Default: echoes the last message's content. */
  reply(fn: ReplyFn | string): void;
  /** The next `n` requests (default 1) get HTTP `status` with an OpenAI-style error body and `headers`. */
  fail(status: number, n?: number, headers?: Record<string, string>): void;
  /** The next `n` replies stop halfway: a stream ends with no finish_reason and no [DONE]; a plain body is cut mid-JSON. */
  truncateNext(n?: number): void;
  /** The next `n` streamed replies send a chunk that is not JSON after the first piece of content. */
  malformNext(n?: number): void;
  /** The next `n` replies are refusals (`refusal` instead of `content`). */
  refuseNext(n?: number, text?: string): void;
  /** wait before answering any request, ms; default 0 */
  delayMs: number;
  /** characters per streamed content chunk; default 12 */
  chunkSize: number;
  /** pause between streamed chunks, ms; default 0 */
  chunkDelayMs: number;
  /** token counts reported (and sent as a final chunk when the client asks with include_usage); null sends none */
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  /** requests being answered right now */
  readonly inFlight: number;
  /** highest `inFlight` seen since start or `reset()` */
  readonly maxInFlight: number;
  /** clears recorded requests, queued behaviours and counters; keeps the reply function */
  reset(): void;
  close(): Promise<void>;
}

type Behaviour =
  | { kind: 'fail'; status: number; headers: Record<string, string> }
  | { kind: 'truncate' }
  | { kind: 'malform' }
  | { kind: 'refuse'; text: string };

const lastMessage = (body: ChatRequestBody) => body.messages?.at(-1)?.content ?? '';

/** Starts a fake on 127.0.0.1 and a free port; call `close()` in afterAll. */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  let replyFn: ReplyFn = lastMessage;
  let inFlight = 0;
  let maxInFlight = 0;

  const app = express();
  app.use(express.json({ limit: '5mb' }));

  app.post('/v1/chat/completions', async (req, res) => {
    const body = (req.body ?? {}) as ChatRequestBody;
    const index = requests.length;
    requests.push({ body, headers: { ...req.headers } });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let closed = false;
    res.on('close', () => {
      closed = true;
      inFlight -= 1;
    });

    const behaviour = queue.shift();
    if (fake.delayMs > 0) await pause(fake.delayMs, () => closed);
    if (closed) return;

    if (behaviour?.kind === 'fail') {
      res.status(behaviour.status).set(behaviour.headers).json({
        error: { message: `fake failure ${behaviour.status}`, type: behaviour.status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null, param: null },
      });
      return;
    }

    const refusal = behaviour?.kind === 'refuse' ? behaviour.text : null;
    const content = refusal === null ? replyFn(body, index) : null;
    const id = `chatcmpl-fake-${index}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? 'fake-model';
    const usage = fake.usage ? { ...fake.usage, total_tokens: fake.usage.prompt_tokens + fake.usage.completion_tokens } : undefined;

    if (!body.stream) {
      const completion = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal }, finish_reason: 'stop', logprobs: null }],
        ...(usage ? { usage } : {}),
      };
      const text = JSON.stringify(completion);
      res.status(200).type('application/json');
      res.end(behaviour?.kind === 'truncate' ? text.slice(0, Math.floor(text.length / 2)) : text);
      return;
    }

    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const send = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`);

    send({ role: 'assistant', content: '' });
    const text = refusal ?? content ?? '';
    const pieces = chunk(text, Math.max(1, fake.chunkSize));
    const cutAt = behaviour?.kind === 'truncate' ? Math.ceil(pieces.length / 2) : pieces.length;
    for (let i = 0; i < cutAt; i++) {
      if (closed) return;
      send(refusal === null ? { content: pieces[i] } : { refusal: pieces[i] });
      if (behaviour?.kind === 'malform' && i === 0) {
        res.end('data: {"id": "broken", "choices": [\n\n');
        return;
      }
      if (fake.chunkDelayMs > 0) await pause(fake.chunkDelayMs, () => closed);
    }
    if (closed) return;
    if (behaviour?.kind === 'truncate') {
      res.end();
      return;
    }
    send({}, 'stop');
    if (usage && body.stream_options?.include_usage) {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  const fake: FakeOpenAI = {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(fn) {
      replyFn = typeof fn === 'string' ? () => fn : fn;
    },
    fail(status, n = 1, headers = {}) {
      for (let i = 0; i < n; i++) queue.push({ kind: 'fail', status, headers });
    },
    truncateNext(n = 1) {
      for (let i = 0; i < n; i++) queue.push({ kind: 'truncate' });
    },
    malformNext(n = 1) {
      for (let i = 0; i < n; i++) queue.push({ kind: 'malform' });
    },
    refuseNext(n = 1, text = "I'm sorry, but I can't help with that.") {
      for (let i = 0; i < n; i++) queue.push({ kind: 'refuse', text });
    },
    delayMs: 0,
    chunkSize: 12,
    chunkDelayMs: 0,
    usage: { prompt_tokens: 120, completion_tokens: 80 },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      maxInFlight = inFlight;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
  return fake;
}

function chunk(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Waits `ms`, checking `stop` every 10 ms so a client that hung up frees the handler early. */
async function pause(ms: number, stop: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stop()) await new Promise((r) => setTimeout(r, Math.min(10, until - Date.now())));
}
