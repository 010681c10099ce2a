import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ScorerOutcome } from '../scoring/scorer-chain.js';
import type { Store } from '../store/store.js';
import { WRITER_CHECKPOINT_PAGES } from '../store/wal-checkpointer.js';

/**
 * The service's Prometheus metrics, on a registry of its own so several apps in one process (tests)
 * never collide. Served at GET /metrics in the text format.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly scored: Counter<'scorer' | 'fallback'>;
  private readonly llmFailures: Counter<'reason'>;
  private readonly latency: Histogram<'scorer'>;
  private readonly tokens: Counter<'kind'>;

  /** @param store read when scraped: active sessions, and the write-ahead log's size */
  constructor(store: Pick<Store, 'sessions' | 'walPages'>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mock_interviewer_' });
    this.scored = new Counter({
      name: 'mock_interviewer_answers_scored_total',
      help: 'Answers scored, by the scorer that produced the assessment and whether it was a fallback',
      labelNames: ['scorer', 'fallback'],
      registers: [this.registry],
    });
    this.llmFailures = new Counter({
      name: 'mock_interviewer_llm_failures_total',
      help: 'LLM gradings that failed and fell back to the built-in scorer, by reason',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'mock_interviewer_answer_to_assessment_seconds',
      help: 'Time from an answer being stored to its assessment being stored',
      labelNames: ['scorer'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.tokens = new Counter({
      name: 'mock_interviewer_llm_tokens_total',
      help: 'Tokens spent on grading, by kind',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'mock_interviewer_active_sessions',
      help: 'Interviews started and not yet complete',
      registers: [this.registry],
      collect() {
        this.set(store.sessions.countActive());
      },
    });
    new Gauge({
      name: 'mock_interviewer_wal_pages',
      help: `Pages in the SQLite write-ahead log after the last checkpoint; under steady writes it grows to ${WRITER_CHECKPOINT_PAGES} before it starts over`,
      registers: [this.registry],
      collect() {
        const pages = store.walPages();
        if (pages !== undefined) this.set(pages);
      },
    });
  }

  /** Hook for the scorer chain's onOutcome. */
  recordOutcome(o: ScorerOutcome): void {
    this.scored.inc({ scorer: o.scorer, fallback: String(o.fallback) });
    if (o.fallback && o.reason) this.llmFailures.inc({ reason: o.reason.replace(/^llm-/, '') });
    if (o.usage) {
      this.tokens.inc({ kind: 'prompt' }, o.usage.promptTokens);
      this.tokens.inc({ kind: 'completion' }, o.usage.completionTokens);
    }
  }

  /** Answer stored -> assessment stored, in seconds, by the scorer that answered. */
  observeAnswerLatency(seconds: number, scorer: string): void {
    this.latency.observe({ scorer }, seconds);
  }
}
