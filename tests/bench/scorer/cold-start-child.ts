/**
 * Child-process entry for cold start: load the scorer and the bank, score one answer, report how long
 * after process start that was (performance.now() counts from the process's time origin).
 */
const imported = performance.now();
const { loadBankFile } = await import('../../../server/bank/bank-loader.js');
const { scoreOffline } = await import('../../../server/scoring/offline-scorer.js');
const { DEFAULT_BANK_FILE } = await import('../support/paths.js');

const loaded = performance.now();
const q = loadBankFile(DEFAULT_BANK_FILE).questions[0]!;
const before = performance.now();
const a = scoreOffline({ questionId: q.id, question: q.question, reference: q.reference, tip: q.tip, keyPoints: q.keyPoints, answer: q.reference });
const scored = performance.now();
process.stdout.write(
  `RESULT ${JSON.stringify({ entryMs: imported, modulesMs: loaded - imported, bankMs: before - loaded, firstScoreMs: scored - before, totalMs: scored, overall: a.overall })}\n`,
);
