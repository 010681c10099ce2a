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
 * The frozen form of a question, which the service sends to the writer thread: a start's unit with
 * five questions took 211 µs to copy to a thread (structuredClone, most of it serialising the objects
 * on the event loop), and 12 µs with the questions as their keys and JSON strings.
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
