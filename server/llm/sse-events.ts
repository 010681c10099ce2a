/** One server-sent event: its `event:` name (null when none was given) and its joined `data:` lines. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/**
 * The events of a server-sent-events body, one array per read: everything that arrived together is
 * handed over together. A model's reply often arrives faster than it is read (a burst of hundreds of
 * small chunks), and reading it an event at a time through async iterators, as the SDK's Stream does,
 * costs several promises and a pass of the caller's work per chunk, before the first word a
 * candidate can see. Implements the parts of the format the chat-completions protocol uses: `data:`
 * (several lines joined with newlines), `event:`, comments, and any of the three line endings. An
 * event the body ends in the middle of is dropped.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent[]> {
  const decoder = new TextDecoder();
  let pending = '';
  let event: string | null = null;
  let data: string[] = [];
  const take = (text: string, out: SseEvent[]) => {
    pending += text;
    let start = 0;
    for (;;) {
      const end = lineEnd(pending, start);
      if (end === -1) break;
      // a \r that ends what has arrived may be the first half of a \r\n: wait for the next read
      if (pending.charCodeAt(end) === 13 && end + 1 === pending.length) break;
      const line = pending.slice(start, end);
      start = pending.charCodeAt(end) === 13 && pending.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      if (line === '') {
        if (data.length > 0) out.push({ event, data: data.join('\n') });
        event = null;
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
    pending = pending.slice(start);
  };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const out: SseEvent[] = [];
      take(decoder.decode(value, { stream: true }), out);
      if (out.length > 0) yield out;
    }
  } finally {
    // the caller stopped early (at [DONE], or on an error): let the connection go
    reader.cancel().catch(() => {});
  }
  // what is left is an event cut off before its closing blank line: discarded, as the format says
  // and the SDK's reader does, so a reply that stops there reads as cut short
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
