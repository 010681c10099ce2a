import { BankError, loadBankFile } from '../bank/bank-loader.js';

const USAGE = 'usage: npm run bank -- validate FILE [FILE...]';

/** `npm run bank -- validate FILE`: checks bank files with the same schema the server loads them with. */
function main(argv: string[]): number {
  const [command, ...files] = argv;
  if (command !== 'validate' || files.length === 0) {
    console.error(USAGE);
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const bank = loadBankFile(file);
      const points = bank.questions.reduce((n, q) => n + q.keyPoints.length, 0);
      console.log(`ok ${file}: bank "${bank.id}" v${bank.version}, ${bank.questions.length} questions, ${points} key points`);
    } catch (err) {
      if (!(err instanceof BankError)) throw err;
      console.error(err.message);
      failed += 1;
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
