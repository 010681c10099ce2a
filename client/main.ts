import type {
  AssessmentEvent,
  CompleteEvent,
  DeltaEvent,
  Mode,
  QuestionEvent,
  ResumeResult,
  StartPayload,
} from '../server/realtime/contract.js';
import type { Report } from '../server/reports/report-model.js';
import type { Assessment } from '../server/scoring/assessment.js';
import { fetchBanks } from './api.js';
import { AnswerBox } from './answer-box.js';
import { ChatView, questionTitle, type QuestionInfo } from './chat-view.js';
import { byId } from './dom.js';
import { EndView, type EndQuestion } from './end-view.js';
import { HistoryView } from './history-view.js';
import { InterviewBar } from './interview-bar.js';
import { ReportView, type BackLink } from './report-view.js';
import {
  clearCurrent,
  currentSession,
  findSession,
  loadHistory,
  noteQuestion,
  rememberSession,
  updateSession,
  type HistoryEntry,
} from './session-store.js';
import { SetupView } from './setup-view.js';
import { connect, describeError, request } from './socket.js';

/** The interview this page is sitting: what was asked, answered and scored, by turn. */
interface Live {
  session: HistoryEntry;
  mode: Mode;
  total: number;
  /** question turns in the order asked */
  questions: Map<string, QuestionInfo>;
  answers: Set<string>;
  results: Map<string, Assessment>;
  /** the question waiting for an answer */
  current: QuestionEvent | null;
  /** turn whose answer is waiting for its acknowledgement */
  submitting: string | null;
  complete: boolean;
  /** the overall the end screen shows; null until the server sends it */
  overall: number | null;
  /** Date.now() when this page started the interview; null when resumed (the duration would mislead) */
  startedHere: number | null;
}

/** Where a start or resume reports progress and failure: the view whose button was pressed. */
interface Feedback {
  setBusy(busy: boolean): void;
  showError(message: string | null): void;
}

type View = 'setup' | 'interview' | 'history' | 'report';

const socket = connect();
const statusEl = byId('status');
const connectionEl = statusEl.parentElement ?? statusEl;
const views: Record<View, HTMLElement> = {
  setup: byId('setup-view'),
  interview: byId('interview-view'),
  history: byId('history-view'),
  report: byId('report-view'),
};

const chat = new ChatView();
const bar = new InterviewBar(() => void finishInterview());
const answerBox = new AnswerBox((text) => void submitAnswer(text));
const endView = new EndView(() => restart());
const setup = new SetupView({
  onStart: (payload) => void startInterview(payload, setup),
  onResume: () => {
    const stored = currentSession();
    if (stored) void resumeInterview(stored, false, { setBusy: (b) => setup.setResumeBusy(b), showError: (m) => setup.showResumeError(m) });
  },
  onDiscard: () => {
    clearCurrent();
    setup.offerResume(null);
  },
});
const historyView = new HistoryView({
  onReview: (questionIds, bank, retryOf) => void startInterview(reviewPayload(retryOf, bank, questionIds, true), historyView),
  onRetry: (entry, bank, questionId) => void startInterview(reviewPayload(entry, bank, [questionId], true), historyView),
  onResume: (entry) => void resumeInterview(entry, false, historyView),
  liveSessionId: () => (live && !live.complete ? live.session.sessionId : null),
});
const reportView = new ReportView({
  onRetry: (entry, report, questionId) => void startInterview(reviewPayload(entry, report.bank.id, [questionId], true, report), reportView),
  onPractise: (entry, report, questionIds) => void startInterview(reviewPayload(entry, report.bank.id, questionIds, false, report), reportView),
});

let live: Live | null = null;
/**
 * While a start or resume acknowledgement is outstanding, server events are queued and replayed after
 * it: over HTTP long-polling several packets can be handled before the awaited ack continues.
 */
let held: Array<() => void> | null = null;
let lostConnection = false;
let resuming = false;
let currentView: View = 'setup';
/** the hash last routed, so one navigation is not handled twice */
let routed: string | null = null;
const scrollByView = new Map<View, number>();

// ---------------------------------------------------------------------------------------------- socket

function setStatus(text: string, state: 'connected' | 'connecting' | 'offline'): void {
  statusEl.textContent = text;
  connectionEl.setAttribute('data-state', state);
}

socket.on('connect', () => {
  setStatus('connected', 'connected');
  answerBox.setOnline(true);
  if (lostConnection && live && !live.complete) void resumeInterview(live.session, true);
  lostConnection = false;
});
socket.on('disconnect', (reason) => {
  lostConnection = true;
  answerBox.setOnline(false);
  setStatus(reason === 'io client disconnect' ? 'disconnected' : 'reconnecting…', 'connecting');
});
socket.on('connect_error', () => setStatus('offline, retrying…', 'offline'));
socket.io.on('reconnect_attempt', () => setStatus('reconnecting…', 'connecting'));

function onServer<T>(handler: (payload: T) => void): (payload: T) => void {
  return (payload) => {
    if (held) held.push(() => handler(payload));
    else handler(payload);
  };
}

socket.on('interviewer:question', onServer<QuestionEvent>((q) => onQuestion(q)));
socket.on('assessment:result', onServer<AssessmentEvent>(onResult));
socket.on('assessment:delta', onServer<DeltaEvent>((d) => chat.appendDelta(d.turnId, d.text)));
socket.on('interview:complete', onServer<CompleteEvent>(onComplete));

function releaseHeld(): void {
  const queue = held ?? [];
  held = null;
  for (const run of queue) run();
}

/**
 * A new connection, so the server stops sending this page events of the interview it leaves behind
 * (a connection is authorised per session; the old one stays resumable from History).
 */
function freshConnection(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      window.clearTimeout(timer);
      socket.off('connect', done);
      resolve();
    };
    const timer = window.setTimeout(done, 5_000);
    socket.on('connect', done);
    socket.disconnect();
    socket.connect();
  });
}

// ------------------------------------------------------------------------------------------- views

function showView(view: View): void {
  if (view !== currentView) scrollByView.set(currentView, window.scrollY);
  for (const [name, node] of Object.entries(views)) node.hidden = name !== view;
  document.body.dataset.view = view;
  const section = view === 'history' ? 'history' : view === 'report' ? null : 'practice';
  for (const link of document.querySelectorAll<HTMLElement>('[data-nav]')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view !== currentView) window.scrollTo({ top: scrollByView.get(view) ?? 0 });
  currentView = view;
}

/** The page's routes: `#history`, `#report/<sessionId>`, and anything else for practice. */
function route(force = false): void {
  const hash = safeDecode(window.location.hash.replace(/^#/, ''));
  // Back/forward fires both popstate and hashchange for one move.
  if (!force && hash === routed && document.body.dataset.view) return;
  routed = hash;
  if (hash === 'history') {
    showView('history');
    void historyView.show();
  } else if (hash.startsWith('report/')) {
    const sessionId = hash.slice('report/'.length);
    const from = currentView;
    showView('report');
    window.scrollTo({ top: 0 });
    void reportView.show(findSession(sessionId), backLink(from, sessionId));
  } else {
    showView(live ? 'interview' : 'setup');
    if (!live) refreshSetup();
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function backLink(from: View, sessionId: string): BackLink {
  if (from === 'history') return { href: '#history', label: 'History' };
  if (live?.session.sessionId === sessionId) return { href: '#', label: live.complete ? 'Results' : 'Back to interview' };
  return { href: '#history', label: 'History' };
}

/** Goes to a route; an empty one drops the hash from the address bar. */
function navigate(hash: string): void {
  if (hash) {
    if (window.location.hash === hash) route(true);
    else window.location.hash = hash; // hashchange routes
  } else {
    if (window.location.hash) history.pushState(null, '', window.location.pathname + window.location.search);
    route(true);
  }
}

function refreshSetup(): void {
  setup.offerResume(currentSession());
  setup.showHistory(loadHistory());
}

function newLive(session: HistoryEntry, mode: Mode, total: number, startedHere: number | null): Live {
  return { session, mode, total, questions: new Map(), answers: new Set(), results: new Map(), current: null, submitting: null, complete: false, overall: null, startedHere };
}

function enterInterview(state: Live): void {
  live = state;
  chat.reset(state.session.candidate);
  endView.hide();
  bar.setMode(state.mode);
  bar.setEndEnabled(true);
  bar.hideTimer();
  answerBox.setVisible(true);
  answerBox.showError(null);
  answerBox.close('Waiting for the first question…');
  scrollByView.set('interview', 0);
}

/** How many bank questions have an answer, for the progress bar. */
function answeredQuestions(state: Live): number {
  const done = new Set<number>();
  for (const [turnId, q] of state.questions) if (q.index && state.answers.has(turnId)) done.add(q.index);
  return done.size;
}

// ------------------------------------------------------------------------------------------- start

/** What a review, retry or "train with" interview asks for, carrying over the earlier session's settings. */
function reviewPayload(from: HistoryEntry, bank: string, questionIds: string[], linkAttempts: boolean, report?: Report): StartPayload {
  const payload: StartPayload = {
    questionIds,
    bank,
    mode: report?.mode ?? from.mode ?? 'practice',
    followUps: from.followUps ?? 1,
  };
  const candidate = (report?.candidate ?? from.candidate)?.trim();
  if (candidate) payload.candidate = candidate;
  if (linkAttempts) payload.retryOf = { sessionId: from.sessionId, token: from.token };
  return payload;
}

async function startInterview(payload: StartPayload, ui: Feedback): Promise<void> {
  if (live && !live.complete) {
    const ok = window.confirm('You have an interview in progress. Start a new one? The current one stays in your history, ready to resume.');
    if (!ok) return;
  }
  ui.showError(null);
  ui.setBusy(true);
  if (live && !live.complete) {
    live = null;
    await freshConnection();
  }
  held = [];
  const ack = await request(socket, 'interview:start', payload);
  ui.setBusy(false);
  if (!ack.ok) {
    held = null;
    ui.showError(`Could not start the interview: ${describeError(ack.error)}`);
    return;
  }
  const mode = payload.mode ?? 'practice';
  const session: HistoryEntry = {
    sessionId: ack.sessionId,
    token: ack.token,
    startedAt: new Date().toISOString(),
    candidate: payload.candidate ?? '',
    status: 'active',
    mode,
    total: ack.total,
    followUps: payload.followUps,
  };
  if (payload.questionIds) session.questionIds = payload.questionIds;
  if (payload.retryOf) session.retryOf = payload.retryOf.sessionId;
  if (payload.bank) session.bank = payload.bank;
  rememberSession(session);
  lostConnection = false;
  enterInterview(newLive(session, mode, ack.total, Date.now()));
  bar.setText('Waiting for the first question…', 0, ack.total);
  navigate('');
  releaseHeld();
}

// ------------------------------------------------------------------------------------------ events

/** `askedAt` (ms) is when the question was put, for the timer; a live event is "now". */
function onQuestion(q: QuestionEvent, askedAt = Date.now()): void {
  if (!live || live.complete) return;
  const info: QuestionInfo = { turnId: q.turnId, text: q.text, index: q.index, total: q.total, kind: q.kind, questionId: q.questionId };
  if (q.total) live.total = q.total;
  live.questions.set(info.turnId, info);
  if (q.kind === 'bank') noteQuestion(live.session.sessionId, q.questionId);
  chat.addQuestion(info);
  live.current = q;
  bar.setQuestion(q, answeredQuestions(live));
  bar.startQuestionTimer(askedAt, q.softLimitSeconds);
  answerBox.showError(null);
  // An answer still waiting for its ack keeps the box locked; the ack handler opens it.
  if (!live.submitting) answerBox.open();
}

function onResult({ turnId, assessment }: AssessmentEvent): void {
  if (!live) return;
  live.results.set(turnId, assessment);
  if (chat.hasAnswer(turnId)) chat.showResult(turnId, assessment, questionTitle(live.questions.get(turnId) ?? {}));
}

function onComplete(event: CompleteEvent): void {
  // A completion after the finish fallback still brings the score.
  if (!live || (live.complete && live.overall !== null)) return;
  if (event.sessionId && event.sessionId !== live.session.sessionId) return;
  showEnd(live, event.overall);
}

// ------------------------------------------------------------------------------------------ answer

async function submitAnswer(text: string): Promise<void> {
  const state = live;
  const question = state?.current;
  if (!state || !question || state.submitting) return;
  const turnId = question.turnId;
  state.submitting = turnId;
  answerBox.setBusy(true);
  answerBox.showError(null);
  chat.addAnswer(turnId, text, true);

  const ack = await request(socket, 'answer:submit', { sessionId: state.session.sessionId, turnId, text });
  state.submitting = null;
  if (live !== state) return;

  if (!ack.ok) {
    chat.removeAnswer(turnId);
    answerBox.setBusy(false);
    answerBox.showError(`Your answer was not sent: ${describeError(ack.error)}`);
    if (state.current) answerBox.open();
    return;
  }

  chat.confirmAnswer(turnId);
  state.answers.add(turnId);
  answerBox.clearText();
  answerBox.setBusy(false);
  const result = state.results.get(turnId);
  if (result) chat.showResult(turnId, result, questionTitle(state.questions.get(turnId) ?? {}));
  else if (state.mode === 'practice') chat.showScoring(turnId);
  else chat.showHeld(turnId);

  if (state.current && state.current.turnId !== turnId) {
    answerBox.open(); // the next question arrived before this ack
  } else {
    state.current = null;
    bar.pauseTimer();
    answerBox.close(state.mode === 'practice' ? 'Waiting for your score and the next question…' : 'Waiting for the next question…');
  }
  const last = state.questions.get(turnId);
  if (last?.index) bar.setQuestion({ index: last.index, total: state.total, kind: last.kind ?? 'bank' }, answeredQuestions(state));
}

// ------------------------------------------------------------------------------------------ finish

async function finishInterview(): Promise<void> {
  const state = live;
  if (!state || state.complete) return;
  bar.setEndEnabled(false);
  const ack = await request(socket, 'interview:finish', { sessionId: state.session.sessionId });
  if (!ack.ok) {
    bar.setEndEnabled(true);
    answerBox.showError(`Could not end the interview: ${describeError(ack.error)}`);
    return;
  }
  // The server normally follows with interview:complete; if it does not, end with what we know.
  window.setTimeout(() => {
    if (live === state && !state.complete) showEnd(state, null);
  }, 3000);
}

function showEnd(state: Live, overall: number | null): void {
  state.complete = true;
  state.current = null;
  state.overall = overall;
  clearCurrent();
  bar.hideTimer();
  bar.setEndEnabled(false, false);
  bar.hideModeNote();
  bar.setText('Interview complete', 1, 1);
  answerBox.close('The interview is over.');
  answerBox.setVisible(false);

  const questions = new Map<number, EndQuestion>();
  for (const [turnId, q] of state.questions) {
    const index = q.index ?? questions.size + 1;
    let entry = questions.get(index);
    if (!entry) {
      entry = { index, text: q.text, turns: [] };
      questions.set(index, entry);
    }
    if (!state.answers.has(turnId)) continue;
    const a = state.results.get(turnId);
    entry.turns.push({ turnId, kind: q.kind ?? 'bank', overall: a?.overall, band: a?.band, anchor: chat.slotId(turnId) });
  }
  const answered = [...questions.values()].filter((q) => q.turns.length > 0).length;
  // With nothing answered a 0 would read as a verdict; show no score instead.
  const shownOverall = answered === 0 ? null : overall;
  updateSession(state.session.sessionId, { status: 'complete', overall: shownOverall });
  endView.render({
    sessionId: state.session.sessionId,
    overall: shownOverall,
    token: state.session.token,
    mode: state.mode,
    durationMs: state.startedHere === null ? null : Date.now() - state.startedHere,
    questions: [...questions.values()].sort((a, b) => a.index - b.index),
    answered,
    total: state.total,
  });
  if (currentView === 'interview') endView.focus();
}

// ------------------------------------------------------------------------------------------ resume

async function resumeInterview(session: HistoryEntry, automatic: boolean, ui?: Feedback): Promise<void> {
  if (resuming) return;
  resuming = true;
  ui?.setBusy(true);
  if (!automatic && live && !live.complete && live.session.sessionId !== session.sessionId) {
    live = null;
    await freshConnection();
  }
  held = [];
  const ack = await request(socket, 'interview:resume', { sessionId: session.sessionId, token: session.token });
  ui?.setBusy(false);
  if (!ack.ok) {
    held = null;
    resuming = false;
    const gone = ack.error.code === 'NOT_FOUND' || ack.error.code === 'UNAUTHORIZED';
    if (gone) clearCurrent();
    const message = gone
      ? `This interview can no longer be resumed: ${describeError(ack.error)}`
      : `Could not resume the interview: ${describeError(ack.error)}`;
    if (automatic && !gone) {
      answerBox.showError(message); // the next reconnect tries again
    } else if (automatic) {
      live = null;
      navigate('');
      setup.showError(message);
    } else {
      ui?.showError(message);
      if (gone && currentView === 'setup') window.setTimeout(() => setup.offerResume(null), 4000);
    }
    return;
  }
  rebuild(session, ack);
  resuming = false;
  if (!automatic) navigate('');
  releaseHeld();
}

/** Rebuilds the page from a resume acknowledgement: the transcript says each turn's kind and question number. */
function rebuild(session: HistoryEntry, ack: { ok: true } & ResumeResult): void {
  const state = newLive({ ...session, mode: ack.mode, total: ack.total }, ack.mode, ack.total, null);
  updateSession(session.sessionId, { mode: ack.mode, total: ack.total });
  enterInterview(state);

  for (const r of ack.results) state.results.set(r.turnId, r.assessment);
  const entries = [...ack.transcript].sort((a, b) => a.seq - b.seq);
  let lastAnswer = '';
  let pendingAskedAt = Date.now();

  for (const entry of entries) {
    if (entry.role === 'interviewer') {
      const info: QuestionInfo = { turnId: entry.turnId, text: entry.text, total: ack.total, index: entry.index, kind: entry.kind };
      state.questions.set(info.turnId, info);
      chat.addQuestion(info);
      if (ack.pending?.turnId === entry.turnId) pendingAskedAt = Date.parse(entry.at) || Date.now();
    } else {
      chat.addAnswer(entry.turnId, entry.text);
      state.answers.add(entry.turnId);
      lastAnswer = entry.text;
      const result = state.results.get(entry.turnId);
      if (result) chat.showResult(entry.turnId, result, questionTitle(state.questions.get(entry.turnId) ?? {}));
      else if (ack.status === 'active' && state.mode === 'practice') chat.showScoring(entry.turnId);
      else if (ack.status === 'active') chat.showHeld(entry.turnId);
    }
  }

  if (ack.status === 'complete') {
    showEnd(state, ack.overall);
    return;
  }
  rememberSession(state.session);

  // An answer sent just before the connection dropped may have been stored: don't offer it again.
  if (lastAnswer && answerBoxText() === lastAnswer) answerBox.clearText();

  if (ack.pending) {
    onQuestion(ack.pending, pendingAskedAt);
  } else {
    const last = [...state.questions.values()].at(-1);
    if (last?.index) bar.setQuestion({ index: last.index, total: state.total, kind: last.kind ?? 'bank' }, answeredQuestions(state));
    answerBox.close('Waiting for the interviewer…');
  }
  chat.scrollToEnd(true);
}

function answerBoxText(): string {
  return byId('answer', HTMLTextAreaElement).value;
}

// ----------------------------------------------------------------------------------------- restart

function restart(): void {
  live = null;
  bar.hideTimer();
  endView.hide();
  chat.reset('');
  answerBox.clearText();
  answerBox.showError(null);
  setup.showError(null);
  navigate('');
  window.scrollTo({ top: 0 });
  setup.focus();
}

// -------------------------------------------------------------------------------------------- boot

// The page is rebuilt from state on load, so a restored scroll offset would point at nothing.
if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
window.addEventListener('hashchange', () => route());
window.addEventListener('popstate', () => route());
route(true);
fetchBanks()
  .then((banks) => (banks.length ? setup.setBanks(banks) : setup.setBanksUnavailable()))
  .catch(() => setup.setBanksUnavailable());
