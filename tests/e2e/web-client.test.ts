import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { build } from 'vite';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadBanks } from '../../server/bank/bank-loader.js';
import type { Report } from '../../server/reports/report-model.js';
import { launchBrowser } from '../support/browser.js';
import { EventLog, startTestServer, type TestServer } from '../support/test-server.js';

const banks = loadBanks('data/banks');
const reference = (questionId: string): string => banks.question(questionId)!.reference;
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const STORE_KEY = 'mock-interviewer.sessions';
/** A browser test does a lot of I/O; a loaded CI machine needs more than vitest's default. */
const BROWSER_TEST_MS = 30_000;

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await build({ configFile: resolve('vite.config.ts'), logLevel: 'warn' });
  server = await startTestServer({}, { clientDir: resolve('client/dist') });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

/** A fresh browser profile (empty localStorage) on the app, connected. Page errors and CSP reports are collected. */
async function openApp(hash = '', seed?: Record<string, string>): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  contexts.push(context);
  if (seed) {
    await context.addInitScript((items: Record<string, string>) => {
      // only on the first load, so the page's own writes survive a reload
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v);
    }, seed);
  }
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.url}/${hash}`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'connected');
  return { page, problems };
}

/** Starts an interview from the setup form: `count` questions, no follow-ups, practice mode. */
async function startFromForm(page: Page, count: number): Promise<void> {
  await page.waitForSelector('#topics input[name="topic"]'); // the bank list has arrived
  await page.fill('#candidate', 'Ada');
  await page.fill('#question-count', String(count));
  await page.selectOption('#follow-ups', '0');
  await page.click('#start-button');
  await page.waitForSelector('#interview-view:not([hidden])');
}

/** Answers question `n` (1-based) once it is open and waits for its score card; returns its bank id. */
async function answer(page: Page, n: number, text: (questionId: string) => string): Promise<string> {
  await page.waitForFunction((k) => document.querySelectorAll('#chat li.msg.interviewer').length >= k, n);
  await page.waitForSelector('#answer:not([disabled])');
  const questionId = await page.locator('#chat li.msg.interviewer').nth(n - 1).getAttribute('data-question-id');
  expect(questionId).toBeTruthy();
  await page.fill('#answer', text(questionId!));
  await page.click('#submit-answer');
  await page.waitForFunction((k) => document.querySelectorAll('#chat .score-card').length >= k, n);
  return questionId!;
}

async function storedSessions(page: Page): Promise<Array<Record<string, any>>> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{"sessions":[]}').sessions, STORE_KEY);
}

async function getReport(sessionId: string, token: string, format: 'json' | 'md' | 'html'): Promise<Response> {
  return fetch(`${server.url}/api/sessions/${sessionId}/report?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
}

/** Sits an interview over a socket, the way another browser would have: the first answer weak, the rest strong. */
async function sitOverSocket(questionIds: string[]): Promise<{ sessionId: string; token: string; report: Report }> {
  const client = await server.client();
  const log = new EventLog(client);
  const started = await client.timeout(5000).emitWithAck('interview:start', { candidate: 'Ada', questionIds, followUps: 0, mode: 'practice' });
  if (!started.ok) throw new Error(`start failed: ${started.error.message}`);
  for (let n = 1; n <= questionIds.length; n++) {
    const q = await log.waitFor('interviewer:question', n);
    const text = n === 1 ? 'I think maybe you could just use a cache, it depends.' : reference(q.questionId);
    const ack = await client.timeout(5000).emitWithAck('answer:submit', { sessionId: started.sessionId, turnId: q.turnId, text });
    if (!ack.ok) throw new Error(`answer failed: ${ack.error.message}`);
  }
  await log.waitFor('interview:complete', 1);
  client.disconnect();
  const report = (await (await getReport(started.sessionId, started.token, 'json')).json()) as Report;
  return { sessionId: started.sessionId, token: started.token, report };
}

describe('web client in a real browser', () => {
  it('a candidate sits a 2-question practice interview, sees a score card per answer and reads the report', async () => {
    const { page, problems } = await openApp();
    await startFromForm(page, 2);

    const asked: string[] = [];
    asked.push(await answer(page, 1, reference));
    // the question timer runs against the level's soft budget
    await page.waitForFunction(() => /^\d+:\d\d \/ \d+:\d\d$/.test(document.getElementById('timer')?.textContent ?? ''));
    asked.push(await answer(page, 2, (id) => reference(id).split('. ')[0]!));

    await page.waitForSelector('#end-screen:not([hidden]) #end-overall');
    expect(await page.locator('#chat .score-card').count()).toBe(2);
    expect(await page.textContent('#end-overall')).toMatch(/^\d+$/);
    await page.screenshot({ path: '/tmp/e2e-end.png', fullPage: false });

    await page.click('#view-report');
    await page.waitForSelector('#report svg.report-chart');
    const cards = page.locator('#report .rq-card');
    expect(await cards.count()).toBe(2);
    for (const [i, questionId] of asked.entries()) {
      const card = cards.nth(i);
      expect(await card.getAttribute('data-question-id')).toBe(questionId);
      expect(await card.locator('.rq-reference').textContent()).toBe(reference(questionId));
      expect(await card.locator('.rq-tip').textContent()).toBe(banks.question(questionId)!.tip);
      expect(await card.locator('.rq-answer').first().textContent()).toBe(i === 0 ? reference(questionId) : reference(questionId).split('. ')[0]);
      expect(await card.locator('.rq-score-value').textContent()).toMatch(/^\d+$/);
    }
    expect(await page.locator('#report svg.report-chart#chart-questions g.chart-row').count()).toBe(2);
    expect(await page.locator('#report #report-summary').count()).toBe(1);

    // Downloads go through fetch with the bearer header, then a Blob.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-md')]);
    expect(download.suggestedFilename()).toMatch(/^interview-report-\d{4}-\d\d-\d\d\.md$/);
    const md = await new Promise<string>((done, fail) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => done(text));
        stream.on('error', fail);
      });
    });
    expect(md).toContain(reference(asked[0]!));
    const [printable] = await Promise.all([page.context().waitForEvent('page'), page.click('#open-html')]);
    await printable.waitForURL(/^blob:/);
    await printable.waitForSelector('svg');
    expect(await printable.textContent('body')).toContain(reference(asked[1]!));
    await printable.close();

    const [session] = await storedSessions(page);
    expect(session).toMatchObject({ status: 'complete', candidate: 'Ada', questionIds: asked });
    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('candidate markup shows as text in the chat, the in-page report and the HTML and Markdown reports', async () => {
    const { page, problems } = await openApp();
    await startFromForm(page, 1);
    await answer(page, 1, () => XSS);
    await page.waitForSelector('#end-screen:not([hidden])');

    expect(await page.locator('#chat li.msg.candidate .msg-body').first().textContent()).toBe(XSS);
    expect(await page.textContent('#chat')).toContain(XSS);
    expect(await page.locator('#chat script, #chat img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();

    await page.click('#view-report');
    await page.waitForSelector('#report .rq-answer');
    expect(await page.locator('#report .rq-answer').first().textContent()).toBe(XSS);
    expect(await page.locator('#report script, #report img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();

    const [session] = await storedSessions(page);
    const { sessionId, token } = session as { sessionId: string; token: string };

    const html = await (await getReport(sessionId, token, 'html')).text();
    expect(html).not.toContain('<script>window.__xss');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;');

    // Rendered in the browser too (the report route's CSP applies): text, not elements.
    const reportPage = await page.context().newPage();
    await reportPage.setExtraHTTPHeaders({ authorization: `Bearer ${token}` });
    await reportPage.goto(`${server.url}/api/sessions/${sessionId}/report?format=html`);
    expect(await reportPage.locator('script, img[onerror]').count()).toBe(0);
    expect(await reportPage.textContent('body')).toContain(XSS);
    expect(await reportPage.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    await reportPage.close();

    const md = await (await getReport(sessionId, token, 'md')).text();
    const fences = [...md.matchAll(/^(`{3,})[^\n]*\n([\s\S]*?)\n\1$/gm)];
    expect(fences.some((f) => f[2] === XSS)).toBe(true);
    const outsideFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
    expect(outsideFences).not.toContain('<script');
    expect(outsideFences).not.toContain('<img');

    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('history lists sessions with scores, forgets ones the server lost, reviews weak questions and compares a retry', async () => {
    const earlier = await sitOverSocket(['cap-theorem', 'redis-caching', 'docker']);
    const expectedReview = earlier.report.questions
      .filter((q) => q.score !== null && q.score < 70)
      .sort((a, b) => a.score! - b.score!)
      .slice(0, 5)
      .map((q) => q.questionId);
    expect(expectedReview.length).toBeGreaterThan(0);

    // The finished session sits under the old single-session key (migrated on load); a second one the
    // server never had sits in the new list.
    const lost = { sessionId: 'no-such-session', token: 'x'.repeat(43), startedAt: '2025-01-01T10:00:00.000Z', candidate: 'Ada', status: 'complete' };
    const { page, problems } = await openApp('#history', {
      'mock-interviewer.session': JSON.stringify({ sessionId: earlier.sessionId, token: earlier.token, startedAt: new Date().toISOString(), candidate: 'Ada' }),
      [STORE_KEY]: JSON.stringify({ version: 1, current: null, sessions: [lost] }),
    });

    await page.waitForSelector('#history-view[data-state="ready"]');
    expect(await page.locator('#history-list li.history-item').count()).toBe(2);
    const row = page.locator(`#history-list li[data-session-id="${earlier.sessionId}"]`);
    expect(await row.getAttribute('data-state')).toBe('ok');
    expect(await row.locator('.history-score').textContent()).toBe(String(Math.round(earlier.report.overall)));
    expect(await page.locator('#trend svg.report-chart circle').count()).toBe(1);
    expect(await page.locator('#weak-concepts li.concept-item').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => localStorage.getItem('mock-interviewer.session'))).toBeNull();
    await page.screenshot({ path: '/tmp/e2e-history.png', fullPage: true });

    const gone = page.locator('#history-list li[data-session-id="no-such-session"]');
    expect(await gone.getAttribute('data-state')).toBe('gone');
    await gone.locator('button.forget-session').click();
    await page.waitForFunction(() => document.querySelectorAll('#history-list li.history-item').length === 1);

    // Review weak questions: exactly those question ids, weakest first, linked to the earlier session.
    expect(await page.getAttribute('#review-weak', 'data-question-ids')).toBe(expectedReview.join(','));
    await page.click('#review-weak');
    await page.waitForSelector('#interview-view:not([hidden]) #chat li.msg.interviewer');
    expect(await page.locator('#chat li.msg.interviewer').first().getAttribute('data-question-id')).toBe(expectedReview[0]);
    const review = (await storedSessions(page)).find((s) => s.sessionId !== earlier.sessionId)!;
    expect(review).toMatchObject({ questionIds: expectedReview, retryOf: earlier.sessionId, status: 'active' });

    // Retry one question from the earlier report: the new report compares the attempts. The review
    // is still in progress, so the page asks before leaving it (it stays resumable from History).
    const weakest = expectedReview[0]!;
    await page.goto(`${server.url}/#report/${earlier.sessionId}`);
    await page.waitForSelector(`#report .rq-card[data-question-id="${weakest}"]`);
    const dialog = new Promise<string>((done) => page.once('dialog', (d) => void d.accept().then(() => done(d.message()))));
    await page.click(`#report .rq-card[data-question-id="${weakest}"] button.retry-question`);
    expect(await dialog).toMatch(/interview in progress/);
    await page.waitForSelector('#interview-view:not([hidden])');
    await answer(page, 1, reference);
    await page.waitForSelector('#end-screen:not([hidden])');
    await page.click('#view-report');
    await page.waitForSelector('#report .rq-card .attempts');
    const earlierScore = Math.round(earlier.report.questions.find((q) => q.questionId === weakest)!.score!);
    expect(await page.textContent('#report .rq-card .attempts')).toMatch(new RegExp(`^Earlier: ${earlierScore} → now \\d+$`));
    await page.screenshot({ path: '/tmp/e2e-retry-report.png', fullPage: false });

    // Chromium logs the lost session's 404 as a console error; nothing else may appear.
    expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  }, BROWSER_TEST_MS);
});
