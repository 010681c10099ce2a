import type { Question } from '../../../server/bank/bank-schema.js';

/**
 * 200-word answers for bank questions: the reference, then sentences that name the key points in the
 * candidate's words, then practice talk, cut at exactly 200 words. Long, on-topic and mostly right,
 * which is the expensive case for the scorer (many cue and evidence matches).
 */
const PRACTICE = [
  'In my last role we ran this in production for two years, so I have seen how it fails under load and during deploys.',
  'I would measure before choosing: latency percentiles, error rates and cost, and I would write the trade-off down for the team.',
  'The operational side matters as much as the design, so I would add dashboards, alerts and a runbook before the launch.',
  'When we got this wrong once, the fix was to simplify, roll out behind a flag and compare the numbers before and after.',
];

export const LONG_ANSWER_WORDS = 200;

export function longAnswer(q: Question): string {
  const pointSentences = q.keyPoints.map((p) => `On ${p.label.toLowerCase()}, I would rely on ${p.cues.slice(0, 2).join(' and ')} because it matters here.`);
  const words: string[] = [];
  const parts = [q.reference, ...pointSentences];
  for (let i = 0; words.length < LONG_ANSWER_WORDS; i++) {
    const part = i < parts.length ? parts[i]! : PRACTICE[(i - parts.length) % PRACTICE.length]!;
    words.push(...part.split(/\s+/).filter(Boolean));
  }
  const text = words.slice(0, LONG_ANSWER_WORDS).join(' ');
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
