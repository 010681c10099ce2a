/**
 * The llm bench's fake model, in a process of its own: writing a streamed reply of ~80 chunks is
 * CPU work that, in the benchmark's own process, would hold up the clients timing the first delta.
 * Prints `url <url>` once listening, then `first-token <marker> <ms since epoch>` as each marked
 * grade request's reply starts streaming.
 *
 *   MODEL_LATENCY_MS=300 node --import tsx tests/bench/llm/fake-model-process.ts
 */
import { startFakeOpenAI } from '../../support/fake-openai.js';
import { markerIn, modelReply } from './model-replies.js';

const fake = await startFakeOpenAI();
fake.delayMs = Number(process.env.MODEL_LATENCY_MS ?? 300);
fake.chunkDelayMs = 0;
const seen = new Set<number>();
fake.reply((body) => {
  const text = modelReply(body);
  const marker = markerIn(body);
  // the first chunk is written right after this returns, in the same tick
  if (marker !== undefined && !seen.has(marker)) {
    seen.add(marker);
    console.log(`first-token ${marker} ${performance.timeOrigin + performance.now()}`);
  }
  return text;
});
console.log(`url ${fake.url}`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
