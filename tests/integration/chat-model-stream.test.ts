import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFor } from '../../server/config.js';
import { chatModelFromConfig } from '../../server/llm/chat-model.js';

/**
 * Streamed replies whose bytes arrive together, from a plain HTTP server that sends each body in a
 * single write: the way a fast local model or a buffering proxy delivers them.
 */
let server: Server;
let url = '';
let body = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

async function complete() {
  const model = chatModelFromConfig(configFor({ OPENAI_BASE_URL: url, OPENAI_MODEL: 'm', LLM_TIMEOUT_MS: 5000 }), { retry: { maxRetries: 0 } });
  const heard: string[] = [];
  const result = await model.complete({ messages: [{ role: 'user', content: 'x' }], onText: (soFar) => heard.push(soFar) });
  return { result, heard };
}

describe('a streamed reply that arrives in one piece', () => {
  it('is heard whole, the text that came with [DONE] included', async () => {
    body = `${chunk({ role: 'assistant', content: '' })}${chunk({ content: 'Hello ' })}${chunk({ content: 'world' })}${chunk({}, 'stop')}data: [DONE]\n\n`;
    const { result, heard } = await complete();
    expect(result).toMatchObject({ ok: true, text: 'Hello world', finishReason: 'stop' });
    expect(heard.at(-1)).toBe('Hello world');
  });

  it('that stops inside an event, before any finish, reads as cut short', async () => {
    body = `${chunk({ content: 'Hello ' })}data: {"id":"c","choices":[{"index":0,"delta":{"content":"wor`;
    const { result, heard } = await complete();
    expect(result).toMatchObject({ ok: false, reason: 'truncated' });
    expect(heard).toEqual(['Hello ']);
  });
});
