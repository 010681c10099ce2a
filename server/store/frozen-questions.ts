import { createHash } from 'node:crypto';
import type { Question } from '../bank/bank-schema.js';

/** A question as the frozen_questions table holds it: its JSON, and the hash of that JSON as its key. */
export interface FrozenQuestion {
  key: string;
  json: string;
}

/** A bank's questions are the same objects for every session that asks them: each is frozen once. */
const frozenByQuestion = new WeakMap<Question, FrozenQuestion>();

/**
 * The frozen form of a question. The service sends questions to the writer thread in this form: five
 * strings are copied to a thread in a few microseconds, where the objects they describe took some
 * 120 µs of the event loop's time to serialise at every start.
 */
export function freezeQuestion(question: Question): FrozenQuestion {
  let frozen = frozenByQuestion.get(question);
  if (!frozen) {
    const json = JSON.stringify(question);
    frozen = { key: createHash('sha256').update(json).digest('hex'), json };
    frozenByQuestion.set(question, frozen);
  }
  return frozen;
}

export function isFrozen(q: Question | FrozenQuestion): q is FrozenQuestion {
  return 'key' in q && 'json' in q;
}
