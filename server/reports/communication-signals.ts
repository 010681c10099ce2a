import type { CommunicationSignals } from './report-model.js';

/** Phrases that pad an answer without adding content. */
const FILLERS = ['basically', 'actually', 'literally', 'you know', 'kind of', 'sort of', 'like i said', 'i mean', 'stuff like that', 'and so on', 'whatever', 'um', 'uh'];
/** Phrases that hedge instead of committing to a position. */
const HEDGES = ['i think', 'i guess', 'i believe', 'maybe', 'perhaps', 'probably', 'not sure', 'i suppose', 'might be', 'could be', 'sort of', 'more or less'];
/** Weighing options: what the seed calls focusing on trade-offs. */
const TRADE_OFFS = ['trade-off', 'tradeoff', 'trade off', ' vs ', 'versus', 'on the other hand', 'depends on', 'it depends', 'downside', 'drawback', 'at the cost of', 'the cost is', 'in exchange', 'whereas', 'pros and cons', 'instead of'];
/** A number that measures something: percentages, latencies, rates, sizes, multipliers. */
const QUANTIFIED = /\b\d+(?:[.,]\d+)?\s*(?:%|percent|ms|milliseconds?|s\b|seconds?|minutes?|hours?|x\b|times\b|k\b|m\b|rps|qps|tps|requests?|users?|gb|mb|tb|kb|nodes?|replicas?|shards?|instances?)|\bp(?:50|90|95|99)\b|\b\d{2,}\b/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function phraseRegExp(phrases: readonly string[]): RegExp {
  const alts = phrases.map((p) => (p.startsWith(' ') ? escapeRegExp(p.trim()) : escapeRegExp(p))).join('|');
  return new RegExp(`\\b(?:${alts})\\b`, 'gi');
}
const FILLER_RE = phraseRegExp(FILLERS);
const HEDGE_RE = phraseRegExp(HEDGES);
const TRADE_OFF_RE = phraseRegExp(TRADE_OFFS);

/** The sentence around a match, trimmed to stay readable. */
function around(text: string, index: number, length: number): string {
  const start = Math.max(text.lastIndexOf('.', index) + 1, index - 80, 0);
  const endDot = text.indexOf('.', index + length);
  const end = Math.min(endDot === -1 ? text.length : endDot + 1, index + length + 80);
  return text.slice(start, end).replace(/\s+/g, ' ').trim();
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

const per100 = (n: number, words: number) => (words ? Math.round((n / words) * 1000) / 10 : 0);

/**
 * Communication signals across a candidate's answers, after the seed's common mistakes: vague claims
 * with no numbers, no trade-offs, and answers padded with fillers or hedges.
 */
export function communicationSignals(answers: readonly string[]): CommunicationSignals {
  let words = 0;
  let fillers = 0;
  let hedges = 0;
  let quantified = 0;
  let tradeOffs = 0;
  const examples = { fillers: [] as string[], hedges: [] as string[], quantified: [] as string[], tradeOffs: [] as string[] };
  const keep = (list: string[], s: string) => {
    if (list.length < 3 && !list.includes(s)) list.push(s);
  };

  for (const a of answers) {
    words += countWords(a);
    for (const m of a.matchAll(FILLER_RE)) {
      fillers += 1;
      keep(examples.fillers, around(a, m.index, m[0].length));
    }
    for (const m of a.matchAll(HEDGE_RE)) {
      hedges += 1;
      keep(examples.hedges, around(a, m.index, m[0].length));
    }
    const q = QUANTIFIED.exec(a);
    if (q) {
      quantified += 1;
      keep(examples.quantified, around(a, q.index, q[0].length));
    }
    const t = TRADE_OFF_RE.exec(a);
    TRADE_OFF_RE.lastIndex = 0;
    if (t) {
      tradeOffs += 1;
      keep(examples.tradeOffs, around(a, t.index, t[0].length));
    }
  }

  const n = answers.length;
  const notes: string[] = [];
  if (n > 0) {
    if (quantified === 0) notes.push('No answer put a number on anything. Quantify impact ("cut p99 latency from 800 ms to 120 ms") rather than making vague claims.');
    else if (quantified < n / 2) notes.push(`Only ${quantified} of ${n} answers quantified anything; numbers make a claim credible.`);
    if (tradeOffs === 0) notes.push('No answer weighed options against each other. Senior answers name the trade-off and say when the other choice wins.');
    if (per100(hedges, words) > 2) notes.push('Frequent hedging ("I think", "maybe") weakens otherwise correct points; state the position, then its conditions.');
    if (per100(fillers, words) > 2) notes.push('Filler words ("basically", "kind of") take up room that concrete details could use.');
    if (words / n < 25) notes.push('Answers were short. Walk through the reasoning: the approach, why, and what could go wrong.');
  }

  return {
    words,
    wordsPerAnswer: n ? Math.round(words / n) : 0,
    fillerPer100Words: per100(fillers, words),
    hedgesPer100Words: per100(hedges, words),
    quantifiedAnswers: quantified,
    tradeOffAnswers: tradeOffs,
    answers: n,
    examples,
    notes,
  };
}
