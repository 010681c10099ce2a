import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BankSchema, type Bank, type Question } from './bank-schema.js';

/** A bank file that failed to load: names the file, the JSON path and the reason. */
export class BankError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ path: string; reason: string }>,
  ) {
    super(`Invalid question bank ${file}:\n${problems.map((p) => `  at ${p.path}: ${p.reason}`).join('\n')}`);
    this.name = 'BankError';
  }
}

function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/** Parses and validates one bank file. Throws BankError on unreadable JSON or a schema violation. */
export function loadBankFile(file: string): Bank {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof SyntaxError ? `not valid JSON (${err.message})` : `cannot be read (${(err as Error).message})`;
    throw new BankError(file, [{ path: '$', reason }]);
  }
  const parsed = BankSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BankError(
      file,
      parsed.error.issues.map((i) => ({ path: jsonPath(i.path), reason: i.message })),
    );
  }
  return parsed.data;
}

/** Every bank in a folder, by bank id, with a question index across all of them. */
export class BankRegistry {
  private readonly byQuestion = new Map<string, { bank: Bank; question: Question }>();

  constructor(readonly banks: ReadonlyMap<string, Bank>) {
    for (const bank of banks.values()) {
      // loadBanks refuses duplicate ids across banks, so a question id names one question
      for (const question of bank.questions) this.byQuestion.set(question.id, { bank, question });
    }
  }

  bank(id: string): Bank | undefined {
    return this.banks.get(id);
  }

  question(id: string): Question | undefined {
    return this.byQuestion.get(id)?.question;
  }

  /** The bank used when a client names none: senior-backend if present, else the first loaded. */
  defaultBank(): Bank {
    const first = this.banks.get('senior-backend') ?? this.banks.values().next().value;
    if (!first) throw new Error('no question banks loaded');
    return first;
  }
}

/** Loads every *.json in a folder. A bad file stops the load with its BankError. */
export function loadBanks(dir: string): BankRegistry {
  const folder = resolve(dir);
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const banks = new Map<string, Bank>();
  const questionOwner = new Map<string, string>();
  for (const f of files) {
    const file = join(folder, f);
    const bank = loadBankFile(file);
    if (banks.has(bank.id)) throw new BankError(file, [{ path: '$.id', reason: `bank id "${bank.id}" is already used by another file` }]);
    // question ids are global (the score API and CLI take a bare questionId), so they must not repeat
    const clashes = bank.questions.flatMap((q, i) =>
      questionOwner.has(q.id) ? [{ path: `$.questions[${i}].id`, reason: `question id "${q.id}" is already used by bank "${questionOwner.get(q.id)}"` }] : [],
    );
    if (clashes.length) throw new BankError(file, clashes);
    for (const q of bank.questions) questionOwner.set(q.id, bank.id);
    banks.set(bank.id, bank);
  }
  if (banks.size === 0) throw new BankError(folder, [{ path: '$', reason: 'no *.json question banks in this folder' }]);
  return new BankRegistry(banks);
}
