import { compileCue } from './cue-match.js';
import type { RubricPoint } from './rubric.js';
import { clauseSpans } from './text/segments.js';
import { KeySet } from './text/similarity.js';
import { analyse } from './text/terms.js';

/** Words a tip uses to instruct the interviewer, not to name a concept ("mention CAP theorem"). */
const TIP_VERBS = new Set(
  'mention mentions discuss discussing cover covering relate compare contrast highlight explain show give share reference practice practise talk describe include focus real depth seniority basics example examples'.split(' '),
);

/**
 * Key points for a question without an authored rubric: one per clause of the reference (content words
 * not already in the question act as its cues), plus a non-core point for the tip when there is one.
 */
export function deriveKeyPoints(reference: string, questionKeys: ReadonlySet<string>, tip?: string): RubricPoint[] {
  const points: RubricPoint[] = [];
  for (const span of clauseSpans(reference, 90)) {
    const text = reference.slice(span.start, span.end);
    const words = distinctContent(text, (key) => !questionKeys.has(key));
    // a clause that only restates the question still names what the answer must be about
    const cues = words.length > 0 ? words : distinctContent(text, () => true);
    if (cues.length === 0) continue;
    points.push(wordSharePoint(`ref-${points.length + 1}`, labelOf(text), Math.min(5, Math.max(1, Math.round(cues.length / 2))), true, cues));
  }
  if (tip) {
    const cues = distinctContent(tip, (key, lower) => !questionKeys.has(key) && !TIP_VERBS.has(lower));
    if (cues.length > 0) {
      points.push(wordSharePoint('tip', labelOf(tip), 1, false, cues));
    }
  }
  return points;
}

function wordSharePoint(id: string, label: string, weight: number, core: boolean, words: string[]): RubricPoint {
  const cues = words.map(compileCue);
  return { id, label, weight, core, cues, match: 'word-share', words: new KeySet(cues.flatMap((c) => c.keys.slice(0, 1))) };
}

function distinctContent(text: string, keep: (key: string, lower: string) => boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of analyse(text).content) {
    if (seen.has(t.key) || !keep(t.key, t.lower)) continue;
    seen.add(t.key);
    out.push(t.lower);
  }
  return out;
}

function labelOf(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim().replace(/[.;:,]+$/, '');
  return clean.length <= 100 ? clean : `${clean.slice(0, 97).replace(/\s+\S*$/, '')}...`;
}
