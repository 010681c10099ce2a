import type { KeyPoint, Question } from '../bank/bank-schema.js';
import { analyse } from '../scoring/text/terms.js';
import { compileCue, findCue } from '../scoring/cue-match.js';

/** Writes the follow-up for a missed point; null means "use the bank's followUp". */
export interface FollowUpWriter {
  write(input: { question: Question; point: KeyPoint; answer: string }): Promise<string | null>;
}

/** Runs of this many content words shared with the reference count as quoting it. */
const REFERENCE_RUN = 4;

/**
 * True when a follow-up would hand the candidate the missed point: it names one of the point's cues,
 * or repeats a run of the reference answer. Used to reject generated follow-ups.
 *
 * Cues that the question itself or the bank's own follow-up already use are allowed: those were
 * written by a person as fair to say (a "network split" scenario is how one asks about partitions),
 * so they set the line for what a follow-up may mention.
 */
export function revealsAnswer(text: string, question: Question, point: KeyPoint): boolean {
  const asked = analyse(text);
  const allowed = [analyse(question.question), analyse(point.followUp)];
  for (const cue of point.cues) {
    const compiled = compileCue(cue);
    if (findCue(compiled, asked) && !allowed.some((a) => findCue(compiled, a))) return true;
  }
  const ref = analyse(question.reference).content.map((t) => t.key);
  const keys = asked.content.map((t) => t.key);
  const runs = new Set<string>();
  for (let i = 0; i + REFERENCE_RUN <= ref.length; i++) runs.add(ref.slice(i, i + REFERENCE_RUN).join(' '));
  for (let i = 0; i + REFERENCE_RUN <= keys.length; i++) if (runs.has(keys.slice(i, i + REFERENCE_RUN).join(' '))) return true;
  return false;
}
