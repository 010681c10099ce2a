import { describe, expect, it } from 'vitest';
import { sseEvents, type SseEvent } from '../../server/llm/sse-events.js';

/** A body that delivers `parts` as separate reads. */
function body(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

async function reads(parts: string[]): Promise<SseEvent[][]> {
  const out: SseEvent[][] = [];
  for await (const events of sseEvents(body(parts))) out.push(events);
  return out;
}

describe('sseEvents', () => {
  it('hands over every event that arrived in one read together', async () => {
    expect(await reads(['data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n'])).toEqual([
      [
        { event: null, data: '{"a":1}' },
        { event: null, data: '{"a":2}' },
        { event: null, data: '[DONE]' },
      ],
    ]);
  });

  it('joins events split anywhere across reads, including inside a multi-byte character and a \\r\\n', async () => {
    const text = 'data: {"t":"naïve ⇒ 🚀"}\r\n\r\ndata: second\r\n\r\n';
    const bytes = new TextEncoder().encode(text);
    // one byte a read: every split point, the middle of each character and of each \r\n among them
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(Uint8Array.of(b));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    for await (const batch of sseEvents(stream)) events.push(...batch);
    expect(events).toEqual([
      { event: null, data: '{"t":"naïve ⇒ 🚀"}' },
      { event: null, data: 'second' },
    ]);
  });

  it('reads named events, multi-line data, comments, fields without a space, and lone \\r line ends', async () => {
    const events = (await reads([': keep-alive\n\nevent: error\ndata: {"error":\ndata: "x"}\n\n', 'data:tight\r\rdata: last\n'])).flat();
    expect(events).toEqual([
      { event: 'error', data: '{"error":\n"x"}' },
      { event: null, data: 'tight' },
      // 'last': the body ended before its blank line, so the event was cut off and is dropped
    ]);
  });

  it('yields nothing for a read that completes no event, and nothing at all for an empty body', async () => {
    expect(await reads(['data: {"a"', ':1}\n', '\n'])).toEqual([[{ event: null, data: '{"a":1}' }]]);
    expect(await reads([])).toEqual([]);
  });
});
