import { AppError } from '../errors.js';
import type { BankRegistry } from '../bank/bank-loader.js';
import type { Question } from '../bank/bank-schema.js';
import type { SessionRow } from '../store/session-repository.js';

/**
 * The questions a session asks, in order. They were frozen when it started; a session stored before
 * that looks them up in its own bank, and a question since removed from it stops the session with a
 * clear error rather than shifting every later question into its place.
 */
export function plannedQuestions(session: SessionRow, banks: BankRegistry): Question[] {
  if (session.questions) return session.questions;
  const bank = banks.bank(session.bankId);
  return session.questionIds.map((id) => {
    const q = bank?.questions.find((x) => x.id === id);
    if (!q) throw new AppError('CONFLICT', `This interview's question "${id}" is no longer in the "${session.bankId}" bank.`);
    return q;
  });
}
