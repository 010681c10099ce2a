import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { loadBanks } from '../bank/bank-loader.js';
import { createStore } from '../store/store.js';
import { silentLogger } from '../logger.js';
import { ReportService } from '../reports/report-service.js';
import { REPORT_FORMATS, type ReportFormat } from '../reports/report-model.js';
import { renderReport } from '../reports/render-report.js';
import { AppError } from '../errors.js';

const USAGE = `usage: npm run report -- SESSION_ID [--format md|html|json] [--out FILE]
Reads DATABASE_PATH directly (the operator's view: no session token needed).`;

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f', default: 'md' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    console.error(`--format must be one of ${REPORT_FORMATS.join(', ')}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const store = createStore(config.DATABASE_PATH);
  try {
    const reports = new ReportService(store, loadBanks(config.BANKS_DIR), silentLogger);
    const { body } = renderReport(reports.get(positionals[0]!), format);
    if (values.out) writeFileSync(values.out, body);
    else process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    void store.close();
  }
}

process.exitCode = main();
