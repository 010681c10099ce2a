import type { KeyPoint } from '../bank/bank-schema.js';
import { compileCue, type CompiledCue } from './cue-match.js';
import type { KeySet } from './text/similarity.js';

/**
 * A key point as the scoring core sees it. Authored points (from a bank) are shown by any one of their
 * cues; derived points (from a reference sentence) by the share of their content words the answer has.
 */
export interface RubricPoint {
  id: string;
  label: string;
  /** 1..5 */
  weight: number;
  core: boolean;
  followUp?: string;
  cues: CompiledCue[];
  match: 'any-cue' | 'word-share';
  /** for word-share points: the keys of their words */
  words?: KeySet;
}

/** Compiles a bank's key points. */
export function rubricFromKeyPoints(points: readonly KeyPoint[]): RubricPoint[] {
  return points.map((p) => ({
    id: p.id,
    label: p.label,
    weight: p.weight,
    core: p.core,
    followUp: p.followUp,
    cues: p.cues.map(compileCue).filter((c) => c.keys.length > 0),
    match: 'any-cue' as const,
  }));
}
