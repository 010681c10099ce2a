import type {
  AssessmentEvent,
  CompleteEvent,
  DeltaEvent,
  Mode,
  QuestionEvent,
  ResumeResult,
  StartPayload,
  TranscriptEntry,
} from '../server/realtime/contract.js';
import type { Assessment } from '../server/scoring/assessment.js';
import { fetchBanks } from './api.js';
import { AnswerBox } from './answer-box.js';
import { ChatView, questionTitle, type QuestionInfo } from './chat-view.js';
import { byId } from './dom.js';
import { EndView, type EndQuestion } from './end-view.js';
import { InterviewBar } from './interview-bar.js';
import { clearSession, loadSession, saveSession, type StoredSession, type TurnMeta } from './session-store.js';
import { SetupView } from './setup-view.js';
import { connect, describeError, request } from './socket.js';

/** The interview this page is sitting: what was asked, answered and scored, by turn. */
interface Live {
  session: StoredSession;
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
}

const socket = connect();
const statusEl = byId('status');
const connectionEl = statusEl.parentElement ?? statusEl;
const setupView = byId('setup-view');
const interviewView = byId('interview-view');

const chat = new ChatView();
const bar = new InterviewBar(() => void finishInterview());
const answerBox = new AnswerBox((text) => void submitAnswer(text));
const endView = new EndView(() => restart());
const setup = new SetupView({
  onStart: (payload) => void startInterview(payload),
  onResume: () => {
    const stored = loadSession();
    if (stored) void resumeInterview(stored, false);
  },
  onDiscard: () => {
    clearSession();
    setup.offerResume(null);
  },
});

let live: Live | null = null;
/**
 * While a start or resume acknowledgement is outstanding, server events are queued and replayed after
 * it: over HTTP long-polling several packets can be handled before the awaited ack continues.
 */
let held: Array<() => void> | null = null;
let lostConnection = false;
let resuming = false;

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

socket.on('interviewer:question', onServer<QuestionEvent>(onQuestion));
socket.on('assessment:result', onServer<AssessmentEvent>(onResult));
socket.on('assessment:delta', onServer<DeltaEvent>((d) => chat.appendDelta(d.turnId, d.text)));
socket.on('interview:complete', onServer<CompleteEvent>(onComplete));

function releaseHeld(): void {
  const queue = held ?? [];
  held = null;
  for (const run of queue) run();
}

// ------------------------------------------------------------------------------------------- views

function showView(view: 'setup' | 'interview'): void {
  setupView.hidden = view !== 'setup';
  interviewView.hidden = view !== 'interview';
  document.body.dataset.view = view;
}

function newLive(session: StoredSession, mode: Mode, total: number): Live {
  return { session, mode, total, questions: new Map(), answers: new Set(), results: new Map(), current: null, submitting: null, complete: false };
}

function enterInterview(state: Live): void {
  live = state;
  chat.reset(state.session.candidate);
  endView.hide();
  bar.setMode(state.mode);
  bar.setEndEnabled(true);
  bar.startTimer(state.session.startedAt);
  answerBox.setVisible(true);
  answerBox.showError(null);
  answerBox.close('Waiting for the first question…');
  showView('interview');
}

/** How many bank questions have an answer, for the progress bar. */
function answeredQuestions(state: Live): number {
  const done = new Set<number>();
  for (const [turnId, q] of state.questions) if (q.index && state.answers.has(turnId)) done.add(q.index);
  return done.size;
}

function rememberQuestion(state: Live, info: QuestionInfo): void {
  state.questions.set(info.turnId, info);
  if (info.index && info.kind) {
    const meta: TurnMeta = { index: info.index, total: info.total ?? state.total, kind: info.kind, questionId: '' };
    state.session.turns = { ...state.session.turns, [info.turnId]: meta };
  }
}

// ------------------------------------------------------------------------------------------- start

async function startInterview(payload: StartPayload): Promise<void> {
  setup.showError(null);
  setup.setBusy(true);
  held = [];
  const ack = await request(socket, 'interview:start', payload);
  setup.setBusy(false);
  if (!ack.ok) {
    held = null;
    setup.showError(`Could not start the interview: ${describeError(ack.error)}`);
    return;
  }
  const mode = payload.mode ?? 'practice';
  const session: StoredSession = {
    sessionId: ack.sessionId,
    token: ack.token,
    startedAt: new Date().toISOString(),
    candidate: payload.candidate ?? '',
    mode,
    total: ack.total,
    turns: {},
  };
  saveSession(session);
  lostConnection = false;
  enterInterview(newLive(session, mode, ack.total));
  bar.setText('Waiting for the first question…', 0, ack.total);
  releaseHeld();
}

// ------------------------------------------------------------------------------------------ events

function onQuestion(q: QuestionEvent): void {
  if (!live || live.complete) return;
  const info: QuestionInfo = { turnId: q.turnId, text: q.text, index: q.index, total: q.total, kind: q.kind };
  if (q.total) live.total = q.total;
  rememberQuestion(live, info);
  const meta = live.session.turns?.[q.turnId];
  if (meta) meta.questionId = q.questionId;
  saveSession(live.session);
  chat.addQuestion(info);
  live.current = q;
  bar.setQuestion(q, answeredQuestions(live));
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
  if (!live || live.complete) return;
  if (event.sessionId && event.sessionId !== live.session.sessionId) return;
  showEnd(live, event.overall, event.reportUrl);
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
    if (live === state && !state.complete) showEnd(state, null, ack.reportUrl);
  }, 3000);
}

/** Mean of each question's latest scored answer: the client's estimate when the server sent none. */
function estimateOverall(state: Live): number | null {
  const byQuestion = new Map<number, number>();
  for (const [turnId, q] of state.questions) {
    const a = state.results.get(turnId);
    if (a && q.index) byQuestion.set(q.index, a.overall);
  }
  if (!byQuestion.size) return null;
  return [...byQuestion.values()].reduce((s, v) => s + v, 0) / byQuestion.size;
}

function showEnd(state: Live, overall: number | null, reportUrl: string): void {
  state.complete = true;
  state.current = null;
  clearSession();
  const duration = bar.stopTimer();
  bar.setEndEnabled(false, false);
  bar.hideModeNote();
  bar.setText('Interview complete', 1, 1);
  answerBox.close('The interview is over.');
  answerBox.setVisible(false);

  const questions = new Map<number, EndQuestion>();
  let fallbackIndex = 0;
  for (const [turnId, q] of state.questions) {
    const index = q.index ?? (q.kind === 'follow-up' ? fallbackIndex : ++fallbackIndex);
    fallbackIndex = Math.max(fallbackIndex, index);
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
  endView.render({
    // With nothing answered a 0 would read as a verdict; show no score instead.
    overall: answered === 0 ? null : (overall ?? estimateOverall(state)),
    reportUrl,
    token: state.session.token,
    mode: state.mode,
    durationMs: resuming ? null : duration,
    questions: [...questions.values()].sort((a, b) => a.index - b.index),
    answered,
    total: state.total,
  });
  endView.focus();
}

// ------------------------------------------------------------------------------------------ resume

async function resumeInterview(session: StoredSession, automatic: boolean): Promise<void> {
  if (resuming) return;
  resuming = true;
  if (!automatic) setup.setResumeBusy(true);
  held = [];
  const ack = await request(socket, 'interview:resume', { sessionId: session.sessionId, token: session.token });
  if (!automatic) setup.setResumeBusy(false);
  if (!ack.ok) {
    held = null;
    resuming = false;
    const gone = ack.error.code === 'NOT_FOUND' || ack.error.code === 'UNAUTHORIZED';
    if (gone) clearSession();
    const message = gone
      ? `This interview can no longer be resumed: ${describeError(ack.error)}`
      : `Could not resume the interview: ${describeError(ack.error)}`;
    if (automatic && !gone) {
      answerBox.showError(message); // the next reconnect tries again
    } else if (automatic) {
      live = null;
      showView('setup');
      setup.offerResume(null);
      setup.showError(message);
    } else {
      setup.showResumeError(message);
      if (gone) window.setTimeout(() => setup.offerResume(null), 4000);
    }
    return;
  }
  rebuild(session, ack);
  resuming = false;
  releaseHeld();
}

/**
 * Rebuilds the page from a resume acknowledgement. The transcript carries no question numbers, so
 * turns this browser saw keep their stored numbers; others are numbered in order, a question whose
 * text is an earlier result's suggested follow-up counting as a follow-up.
 */
function rebuild(session: StoredSession, ack: { ok: true } & ResumeResult): void {
  const state = newLive(session, ack.mode, ack.total);
  session.mode = ack.mode;
  session.total = ack.total;
  enterInterview(state);

  for (const r of ack.results) state.results.set(r.turnId, r.assessment);
  const followUpTexts = new Set([...state.results.values()].map((a) => a.followUp?.trim()).filter(Boolean));
  const entries = [...ack.transcript].sort((a, b) => a.seq - b.seq);
  let lastIndex = 0;
  let lastAnswer = '';

  for (const entry of entries) {
    if (entry.role === 'interviewer') {
      const info = questionInfo(entry, session, ack, followUpTexts, lastIndex);
      lastIndex = info.index ?? lastIndex;
      rememberQuestion(state, info);
      chat.addQuestion(info);
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
  saveSession(session);

  if (ack.status === 'complete') {
    showEnd(state, null, `/api/sessions/${encodeURIComponent(session.sessionId)}/report`);
    return;
  }

  // An answer sent just before the connection dropped may have been stored: don't offer it again.
  if (lastAnswer && answerBoxText() === lastAnswer) answerBox.clearText();

  if (ack.pending) {
    onQuestion(ack.pending);
  } else {
    const last = [...state.questions.values()].at(-1);
    if (last?.index) bar.setQuestion({ index: last.index, total: state.total, kind: last.kind ?? 'bank' }, answeredQuestions(state));
    answerBox.close('Waiting for the interviewer…');
  }
  chat.scrollToEnd(true);
}

function questionInfo(
  entry: TranscriptEntry,
  session: StoredSession,
  ack: ResumeResult,
  followUpTexts: Set<string | undefined>,
  lastIndex: number,
): QuestionInfo {
  const base = { turnId: entry.turnId, text: entry.text, total: ack.total };
  if (ack.pending?.turnId === entry.turnId) return { ...base, index: ack.pending.index, kind: ack.pending.kind };
  const stored = session.turns?.[entry.turnId];
  if (stored) return { ...base, index: stored.index, kind: stored.kind };
  // Forward-compatible: use kind/index if the server adds them to transcript entries.
  const extra = entry as TranscriptEntry & { kind?: unknown; index?: unknown };
  if ((extra.kind === 'bank' || extra.kind === 'follow-up') && typeof extra.index === 'number') {
    return { ...base, index: extra.index, kind: extra.kind };
  }
  if (lastIndex > 0 && followUpTexts.has(entry.text.trim())) return { ...base, index: lastIndex, kind: 'follow-up' };
  return { ...base, index: lastIndex + 1, kind: 'bank' };
}

function answerBoxText(): string {
  return byId('answer', HTMLTextAreaElement).value;
}

// ----------------------------------------------------------------------------------------- restart

function restart(): void {
  live = null;
  clearSession();
  bar.stopTimer();
  endView.hide();
  chat.reset('');
  answerBox.clearText();
  answerBox.showError(null);
  setup.offerResume(null);
  setup.showError(null);
  showView('setup');
  window.scrollTo({ top: 0 });
  setup.focus();
}

// -------------------------------------------------------------------------------------------- boot

// The page is rebuilt from state on load, so a restored scroll offset would point at nothing.
if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
showView('setup');
setup.offerResume(loadSession());
fetchBanks()
  .then((banks) => (banks.length ? setup.setBanks(banks) : setup.setBanksUnavailable()))
  .catch(() => setup.setBanksUnavailable());
