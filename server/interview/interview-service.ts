import { AppError } from '../errors.js';
import { softLimitSeconds, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { BankRegistry } from '../bank/bank-loader.js';
import type { KeyPoint, Question } from '../bank/bank-schema.js';
import { selectQuestions } from '../bank/question-selection.js';
import type { Scorer, ScoringInput } from '../scoring/scorer.js';
import type { Assessment } from '../scoring/assessment.js';
import type { Store } from '../store/store.js';
import { GroupCommit } from '../store/group-commit.js';
import { newRowId } from '../store/row-ids.js';
import { freezeQuestion } from '../store/frozen-questions.js';
import type { SessionRow } from '../store/session-repository.js';
import type { TurnRow } from '../store/transcript-repository.js';
import type {
  AssessmentEvent,
  FinishResult,
  QuestionEvent,
  ResumeResult,
  StartPayload,
  StartResult,
  SubmitResult,
} from '../realtime/contract.js';
import type { InterviewEvents } from './interview-events.js';
import { nextStep, type InterviewPlan, type NextStep, type TurnState } from './interview-machine.js';
import { finalQuestionScore } from './final-score.js';
import { plannedQuestions } from './planned-questions.js';
import { hashToken, newSessionToken, tokenMatches } from './session-token.js';
import type { ReportService } from '../reports/report-service.js';
import type { FollowUpWriter } from './follow-up.js';
import { SessionStates, type SessionState } from './session-states.js';

export interface InterviewServiceDeps {
  config: Config;
  store: Store;
  banks: BankRegistry;
  scorer: Scorer;
  events: InterviewEvents;
  logger: Logger;
  reports: ReportService;
  /** writes follow-ups with a model; without one the bank's followUp is asked */
  followUps?: FollowUpWriter;
  /** told of every stored assessment: seconds from the answer being stored to its assessment being stored */
  onScored?: (seconds: number, scorer: Assessment['scorer']) => void;
  now?: () => Date;
  random?: () => number;
}

export interface StartContext {
  clientIp?: string;
  /** true: MAX_SESSIONS_PER_IP does not apply to this client (see perAddressLimitsApply) */
  exempt?: boolean;
}

/** An answer's scoring, begun while the answer is still being stored (see scoreEarly). */
interface EarlyScore {
  sessionId: string;
  /** the answer it scores */
  text: string;
  assessment: Promise<Assessment>;
  /** send the narrative held back so far, and what follows as it comes; called once the answer is acknowledged */
  release(): void;
  /** the answer was not stored, or its session's step failed: its narrative is never sent */
  drop(): void;
}

const DEFAULT_QUESTION_COUNT = 5;
/** An unfinished interview older than this no longer counts against MAX_SESSIONS_PER_IP: it was abandoned. */
const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

export function reportUrlFor(sessionId: string): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}/report`;
}

/**
 * The interview use cases: start, resume, answer, finish. It persists every step before telling
 * anyone about it, and drives each session through the pure state machine one step at a time.
 * It knows nothing of sockets: what clients should see goes out through `events`.
 */
export class InterviewService {
  private readonly deps: InterviewServiceDeps;
  private readonly now: () => Date;
  /** one advancing chain per session, so a session's steps never interleave */
  private readonly running = new Map<string, Promise<void>>();
  /** sessions being ended early: they score what is stored but ask nothing more */
  private readonly finishing = new Set<string>();
  private closing = false;
  /** sessions in play, so that an answer is handled without reading the store */
  private readonly states: SessionStates;
  /** answers arriving together share one durable commit */
  private readonly answers: GroupCommit;
  /** answers committed or committing but not yet on disk, by session: finishing and draining wait for all of them */
  private readonly storing = new Map<string, Set<Promise<unknown>>>();
  /** scoring begun while the answer was on its way to disk, by turn id: scoreTurn takes it from here */
  private readonly early = new Map<string, EarlyScore>();
  /** interviews being started, by client address: they count against MAX_SESSIONS_PER_IP before they are stored */
  private readonly starting = new Map<string, number>();

  constructor(deps: InterviewServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
    this.states = new SessionStates(deps.store);
    this.answers = new GroupCommit(deps.store);
  }

  /** Starts an interview; the caller acknowledges `result`, then shows `first`. */
  async start(payload: StartPayload, ctx: StartContext = {}): Promise<{ result: StartResult; first: QuestionEvent }> {
    this.assertOpen();
    const { config, store, banks } = this.deps;
    const bank = payload.bank ? banks.bank(payload.bank) : banks.defaultBank();
    if (!bank) throw new AppError('NOT_FOUND', `No question bank named "${payload.bank}".`);
    const recent = new Date(this.now().getTime() - ABANDONED_AFTER_MS).toISOString();
    const limitedIp = ctx.clientIp && !ctx.exempt && config.MAX_SESSIONS_PER_IP > 0 ? ctx.clientIp : undefined;
    if (limitedIp && store.sessions.countActiveByIp(limitedIp, recent) + (this.starting.get(limitedIp) ?? 0) >= config.MAX_SESSIONS_PER_IP) {
      throw new AppError('RATE_LIMITED', 'Too many unfinished interviews from this address. Finish or end one first.');
    }
    const level = payload.level ?? 'mixed';
    const topics = payload.topics ?? [];
    const questions = payload.questionIds
      ? pickQuestions(bank.questions, payload.questionIds)
      : selectQuestions(bank, { level, topics, count: payload.questionCount ?? DEFAULT_QUESTION_COUNT }, this.deps.random);
    const retryOf = payload.retryOf ? this.authenticate(payload.retryOf.sessionId, payload.retryOf.token).id : null;

    const sessionId = newRowId();
    const token = newSessionToken();
    const at = this.now().toISOString();
    const first = questions[0]!;
    const session: SessionRow = {
      id: sessionId,
      tokenHash: hashToken(token),
      candidate: payload.candidate || null,
      bankId: bank.id,
      mode: payload.mode ?? 'practice',
      level,
      topics,
      followUps: payload.followUps ?? 1,
      questionIds: questions.map((q) => q.id),
      status: 'active',
      overall: null,
      clientIp: ctx.clientIp ?? null,
      createdAt: at,
      completedAt: null,
      retryOf,
      questions,
    };
    const turn = askedTurn(sessionId, 1, { questionIndex: 1, questionId: first.id, kind: 'bank', parentTurnId: null, pointId: null, text: first.question, askedAt: at });
    if (limitedIp) this.starting.set(limitedIp, (this.starting.get(limitedIp) ?? 0) + 1);
    try {
      await store.write({ kind: 'start', session: { ...session, questions: questions.map(freezeQuestion) }, turn }, { durable: true });
    } finally {
      if (limitedIp) {
        const n = (this.starting.get(limitedIp) ?? 1) - 1;
        if (n > 0) this.starting.set(limitedIp, n);
        else this.starting.delete(limitedIp);
      }
    }
    this.states.remember({ session, turns: [turn], assessments: new Map() });
    const turnId = turn.id;
    this.deps.logger.info({ sessionId, bank: bank.id, level, count: questions.length }, 'interview started');
    return {
      result: { sessionId, token, total: questions.length },
      first: {
        sessionId,
        turnId,
        index: 1,
        total: questions.length,
        kind: 'bank',
        questionId: first.id,
        level: first.level,
        text: first.question,
        softLimitSeconds: softLimitSeconds(config, first.level),
      },
    };
  }

  /** Checks a session token. Unknown sessions and wrong tokens get the same answer, so ids cannot be probed. */
  authenticate(sessionId: string, token: string): SessionRow {
    const session = this.states.get(sessionId)?.session;
    if (!session || !tokenMatches(token, session.tokenHash)) throw new AppError('NOT_FOUND', 'No interview with that id and token.');
    return session;
  }

  /** The state a reconnecting client needs. Also finishes any work a crash interrupted. */
  async resume(sessionId: string, token: string): Promise<ResumeResult> {
    this.assertOpen();
    const session = this.authenticate(sessionId, token);
    if (session.status === 'active') await this.advance(sessionId);
    return this.snapshot(sessionId);
  }

  snapshot(sessionId: string): ResumeResult {
    const { session, turns, assessments } = this.requireState(sessionId);
    const last = turns.at(-1);
    const pending = session.status === 'active' && last && last.status === 'asked' ? this.questionEvent(session, last) : null;
    const released = session.mode === 'practice' || session.status === 'complete';
    const results: AssessmentEvent[] = released
      ? turns.flatMap((t) => {
          const a = assessments.get(t.id);
          return a ? [{ sessionId, turnId: t.id, assessment: a }] : [];
        })
      : [];
    return {
      pending,
      transcript: this.deps.store.transcript.transcript(sessionId),
      results,
      status: session.status,
      total: session.questionIds.length,
      mode: session.mode,
      overall: session.overall,
      reportUrl: reportUrlFor(sessionId),
    };
  }

  /**
   * Stores the answer (committed before anything else happens), acknowledges it, then scores it in
   * the background. A repeat of an already stored answer to the same turn is acknowledged again
   * without storing it twice, so a client may safely retry after a dropped connection.
   */
  async submitAnswer(sessionId: string, turnId: string, rawText: string): Promise<SubmitResult> {
    this.assertOpen();
    const { store, config } = this.deps;
    const state = this.requireState(sessionId);
    const text = rawText.trim();
    if (!text) throw new AppError('BAD_REQUEST', 'text: the answer is empty.');
    if (config.MAX_ANSWER_CHARS > 0 && text.length > config.MAX_ANSWER_CHARS) {
      throw new AppError('TOO_LARGE', `text: answers are limited to ${config.MAX_ANSWER_CHARS} characters.`);
    }
    const turn = state.turns.findLast((t) => t.id === turnId);
    if (!turn) throw new AppError('NOT_FOUND', 'No such question in this interview.');
    if (turn.status !== 'asked') return this.repeatOf(turn, text);
    this.assertTakingAnswers(state);

    const answeredAt = this.now().toISOString();
    // scoring needs only the text, so it runs while the answer is being synced; it is stored only after the answer
    const early = this.scoreEarly(state, turn, text);
    const write = this.answers.run(() => {
      // checked again when the batch goes out: the interview may have been ended, or the server begun to close, meanwhile
      this.assertOpen();
      this.assertTakingAnswers(state);
      return { kind: 'answer', sessionId, turnId, text, answeredAt } as const;
    });
    const inFlight = this.storing.get(sessionId) ?? new Set();
    this.storing.set(sessionId, inFlight.add(write));
    let stored: unknown;
    try {
      stored = await write;
    } catch (err) {
      this.dropEarly(turn.id, early);
      // it may have committed before failing (an fsync error, the writer thread dying): read it afresh
      this.forgetIfHeld(state);
      throw err;
    } finally {
      inFlight.delete(write);
      if (inFlight.size === 0 && this.storing.get(sessionId) === inFlight) this.storing.delete(sessionId);
    }
    if (!stored) {
      this.dropEarly(turn.id, early);
      // the store had it answered already while memory did not: memory is behind, so it is read again
      this.forgetIfHeld(state);
      return this.repeatOf(this.states.get(sessionId)?.turns.findLast((t) => t.id === turnId) ?? turn, text);
    }
    this.committed(state, () => {
      turn.answer = text;
      turn.answeredAt = answeredAt;
      turn.status = 'answered';
    });
    // per answer: debug, so that info stays a line per interview (the metrics count answers)
    this.deps.logger.debug({ sessionId, turnId, chars: text.length }, 'answer stored');
    this.advance(sessionId).catch(() => {
      // logged by enqueue; the answer is stored and a resume picks the session up again
    });
    return { turnId };
  }

  /** Ends the interview now: waits for in-flight scoring, then completes with what was answered. */
  async finish(sessionId: string): Promise<FinishResult> {
    this.assertOpen();
    const { session } = this.requireState(sessionId);
    if (session.status === 'active') {
      // from here on the session asks nothing new: answers already stored are scored, then it completes
      this.finishing.add(sessionId);
      try {
        // answers already on their way to the disk are scored first: each may be acknowledged any moment
        await Promise.allSettled([...(this.storing.get(sessionId) ?? [])]);
        await this.advance(sessionId);
        await this.enqueue(sessionId, () => this.complete(this.requireState(sessionId)));
      } finally {
        this.finishing.delete(sessionId);
      }
    }
    return { reportUrl: reportUrlFor(sessionId) };
  }

  /**
   * Finishes what a crash interrupted: scores answers that were stored but never scored, and writes
   * the final report of sessions that were marked complete but died before the report was stored.
   * Returns how many sessions it touched.
   */
  async recoverUnscored(): Promise<number> {
    const { store, reports } = this.deps;
    const unscored = store.transcript.sessionsWithUnscoredAnswers();
    const unreported = store.sessions.completeWithoutReport();
    await Promise.all([
      ...unscored.map((id) => this.advance(id)),
      ...unreported.map((id) =>
        this.enqueue(id, async () => {
          await reports.writeFinal(id, this.now());
        }),
      ),
    ]);
    return unscored.length + unreported.length;
  }

  /** Stops taking new work and waits (up to `timeoutMs`) for in-flight scoring to be stored. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    // answers on their way to the disk first: once stored, each queues the scoring that is waited for next
    const all = Promise.allSettled([...this.storing.values()].flatMap((writes) => [...writes]))
      .then(() => Promise.allSettled([...this.running.values()]))
      .then(() => true);
    const timer = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
    return Promise.race([all, timer]);
  }

  /** Runs the session forward until it waits for the candidate or completes. */
  advance(sessionId: string): Promise<void> {
    return this.enqueue(sessionId, () => this.step(sessionId));
  }

  /**
   * Runs `work` after the session's earlier work. The returned promise carries the outcome to a caller
   * that waits (finish, resume); the chain itself keeps going after a failure, which is logged, and the
   * next resume or start-up retries from what is stored.
   */
  private enqueue(sessionId: string, work: () => Promise<void>): Promise<void> {
    const prev = this.running.get(sessionId) ?? Promise.resolve();
    const outcome = prev.then(work);
    const settled = outcome.catch((err: unknown) => {
      // what is in memory may now be ahead of or behind the store: read it afresh next time
      this.states.forget(sessionId);
      this.dropEarlyOf(sessionId);
      this.deps.logger.error({ sessionId, err }, 'interview step failed');
    });
    this.running.set(sessionId, settled);
    void settled.finally(() => {
      if (this.running.get(sessionId) === settled) this.running.delete(sessionId);
    });
    return outcome;
  }

  private async step(sessionId: string): Promise<void> {
    const { store } = this.deps;
    for (;;) {
      const state = this.requireState(sessionId);
      const { session, turns, assessments } = state;
      if (session.status !== 'active') return;
      const plan = this.planFor(session);
      const next = nextStep(plan, turns.map((t) => toTurnState(t, assessments.get(t.id))));

      switch (next.type) {
        case 'await-answer':
          return;
        case 'await-score': {
          const turn = turns.find((t) => t.id === next.turnId)!;
          // stored state that says "scored" with no assessment would otherwise loop here for ever
          if (!(await this.scoreTurn(state, plan, turn))) throw new Error(`turn ${turn.id} could not be marked scored`);
          continue;
        }
        case 'ask-question':
        case 'ask-follow-up': {
          if (this.finishing.has(sessionId)) return;
          const text = next.type === 'ask-follow-up' ? await this.followUpText(next.question, next.point, turns) : next.question.question;
          // a model can take seconds to write a follow-up: the candidate may have ended the interview meanwhile
          if (this.finishing.has(sessionId)) return;
          const turn = this.nextTurn(sessionId, turns, next, text);
          // not durable: if power loss takes it back, the candidate's resume asks the next question again
          await store.write({ kind: 'ask', turn });
          this.committed(state, () => turns.push(turn));
          this.deps.events.question(sessionId, this.questionEvent(session, turn));
          return;
        }
        case 'complete':
          await this.complete(state);
          return;
      }
    }
  }

  /** The turn that asks `next`, as the store will hold it. */
  private nextTurn(sessionId: string, turns: readonly TurnRow[], next: Extract<NextStep, { type: 'ask-question' | 'ask-follow-up' }>, text: string): TurnRow {
    const isFollowUp = next.type === 'ask-follow-up';
    return askedTurn(sessionId, (turns.at(-1)?.seq ?? 0) + 1, {
      questionIndex: next.questionIndex,
      questionId: next.question.id,
      kind: isFollowUp ? 'follow-up' : 'bank',
      parentTurnId: isFollowUp ? next.parentTurnId : null,
      pointId: isFollowUp ? next.point.id : null,
      text,
      askedAt: this.now().toISOString(),
    });
  }

  /**
   * The question that follows `turn` once it is scored, when it can be asked at once: a bank
   * question, or a follow-up with the bank's wording. A model-written follow-up would hold back the
   * result while it is written, so it is asked by the next step instead.
   */
  private followingTurn(state: SessionState, plan: InterviewPlan, turn: TurnRow, assessment: Assessment): TurnRow | undefined {
    const { session, turns, assessments } = state;
    if (this.finishing.has(session.id)) return undefined;
    const next = nextStep(plan, turns.map((t) => toTurnState(t, t.id === turn.id ? assessment : assessments.get(t.id))));
    if (next.type === 'ask-question') return this.nextTurn(session.id, turns, next, next.question.question);
    if (next.type === 'ask-follow-up' && !this.deps.followUps) return this.nextTurn(session.id, turns, next, next.point.followUp);
    return undefined;
  }

  /**
   * Starts scoring an answer that is still being stored. Its narrative is held until the answer is
   * acknowledged, and dropped if it never is. A repeat of an answer in flight starts nothing: the
   * first copy's scoring serves both.
   */
  private scoreEarly({ session }: SessionState, turn: TurnRow, text: string): EarlyScore | undefined {
    const question = this.planFor(session).questions[turn.questionIndex - 1];
    if (this.early.has(turn.id) || !question) return undefined;
    const emit = (delta: string) => this.deps.events.delta(session.id, { sessionId: session.id, turnId: turn.id, text: delta });
    let held: string[] | 'live' | 'dropped' = [];
    const onDelta = (delta: string) => (held === 'live' ? emit(delta) : held !== 'dropped' && held.push(delta));
    const assessment = this.deps.scorer.score(scoringInputFor(question, { ...turn, answer: text }), {
      onDelta: session.mode === 'practice' ? onDelta : undefined,
    });
    // awaited by scoreTurn; a dropped one is never awaited, and must not be an unhandled rejection
    assessment.catch(() => {});
    const entry: EarlyScore = {
      sessionId: session.id,
      text,
      assessment,
      release: () => {
        if (!Array.isArray(held)) return;
        const waiting = held;
        held = 'live';
        waiting.forEach(emit);
      },
      drop: () => {
        held = 'dropped';
      },
    };
    this.early.set(turn.id, entry);
    return entry;
  }

  private dropEarly(turnId: string, early: EarlyScore | undefined): void {
    if (!early) return;
    early.drop();
    if (this.early.get(turnId) === early) this.early.delete(turnId);
  }

  /** A failed step is retried from the store; scoring begun for it is not reused, so it cannot pile up. */
  private dropEarlyOf(sessionId: string): void {
    for (const [turnId, early] of this.early) if (early.sessionId === sessionId) this.dropEarly(turnId, early);
  }

  /** The model's follow-up when one is configured and behaves; the bank's otherwise. */
  private async followUpText(question: Question, point: KeyPoint, turns: readonly TurnRow[]): Promise<string> {
    const writer = this.deps.followUps;
    const answer = turns.at(-1)?.answer;
    if (!writer || !answer) return point.followUp;
    try {
      return (await writer.write({ question, point, answer })) ?? point.followUp;
    } catch (err) {
      this.deps.logger.warn({ err }, 'follow-up writer failed; asking the bank follow-up');
      return point.followUp;
    }
  }

  /** Scores one stored answer and stores the assessment; false when the turn was no longer waiting for it. */
  private async scoreTurn(state: SessionState, plan: InterviewPlan, turn: TurnRow): Promise<boolean> {
    const { store, scorer, events } = this.deps;
    const { session } = state;
    const question = plan.questions[turn.questionIndex - 1];
    if (!question) throw new Error(`turn ${turn.id} points outside the plan`);
    const early = this.early.get(turn.id);
    this.early.delete(turn.id);
    let assessment: Assessment;
    if (early && early.text === turn.answer) {
      // after the answer's acknowledgement, which its handler sends from a promise continuation that
      // is already queued: the next tick runs once every queued continuation has. Not setImmediate,
      // which waits for the rest of the event loop's turn (about 0.5 ms at the median under load).
      // The result, which does not wait for a commit, follows the narrative.
      await new Promise((resolve) => process.nextTick(resolve));
      early.release();
      assessment = await early.assessment;
    } else {
      early?.drop();
      const streamDeltas = session.mode === 'practice';
      assessment = await scorer.score(scoringInputFor(question, turn), {
        onDelta: streamDeltas ? (text) => events.delta(session.id, { sessionId: session.id, turnId: turn.id, text }) : undefined,
      });
    }
    const scoredAt = this.now().toISOString();
    // asked in the same commit when it can be: one write instead of two before the candidate sees both
    const following = this.followingTurn(state, plan, turn, assessment);
    // not durable: the answer itself is, start-up scores an answer whose assessment was lost, and a resume asks again
    const saving = store.write({ kind: 'scored', sessionId: session.id, turnId: turn.id, assessment, scoredAt, ask: following });
    // The result is shown without waiting for that commit, a round trip to the writer thread: it is
    // already settled, since the answer it scores is on disk and is scored again if the assessment is
    // lost. The next question waits, so a candidate never answers a turn the store has not got.
    if (session.mode === 'practice') events.result(session.id, { sessionId: session.id, turnId: turn.id, assessment });
    const saved = await saving;
    if (!saved) return false;
    this.committed(state, () => {
      turn.status = 'scored';
      state.assessments.set(turn.id, assessment);
      if (following) state.turns.push(following);
    });
    this.deps.logger.debug(
      { sessionId: session.id, turnId: turn.id, scorer: assessment.scorer, overall: assessment.overall, latencyMs: Math.round(assessment.latencyMs) },
      'answer scored',
    );
    if (turn.answeredAt) this.deps.onScored?.(Math.max(0, (Date.parse(scoredAt) - Date.parse(turn.answeredAt)) / 1000), assessment.scorer);
    if (following) events.question(session.id, this.questionEvent(session, following));
    return true;
  }

  /** Marks the session complete, stores its report, then releases held results and says it is done. */
  private async complete(state: SessionState): Promise<void> {
    const { store, events } = this.deps;
    const { session, turns, assessments } = state;
    if (session.status !== 'active') return;
    const plan = this.planFor(session);
    const overall = overallScore(plan, turns, assessments);
    const completedAt = this.now().toISOString();
    // durable, once an interview: the client is told it is over, and nothing at start-up would complete it again
    const changed = await store.write({ kind: 'complete', sessionId: session.id, overall, completedAt }, { durable: true });
    if (!changed) return;
    const completed = { ...session, status: 'complete' as const, overall, completedAt };
    this.committed(state, () => Object.assign(session, completed));
    // built from the session as stored, whether or not this state object was still the one held
    await this.deps.reports.writeFinal(session.id, this.now(), { session: completed, turns, assessments });
    // a finished interview is only read again for its report, which the store serves
    this.states.forget(session.id);
    this.dropEarlyOf(session.id);
    if (session.mode === 'realistic') {
      for (const t of turns) {
        const a = assessments.get(t.id);
        if (a) events.result(session.id, { sessionId: session.id, turnId: t.id, assessment: a });
      }
    }
    this.deps.logger.info({ sessionId: session.id, overall }, 'interview complete');
    events.complete(session.id, { sessionId: session.id, overall, reportUrl: reportUrlFor(session.id) });
  }

  /**
   * Mirrors a committed write in the session's in-memory state. If that state was dropped or read
   * afresh while the write was under way, it is forgotten instead: the next read of the store sees the write.
   */
  private committed(state: SessionState, apply: () => void): void {
    if (this.states.peek(state.session.id) === state) apply();
    else this.states.forget(state.session.id);
  }

  /**
   * An answer to a turn already answered: the same text again is a client's retry, acknowledged again
   * once everything committed so far is on disk (the first copy may have been committed but not yet
   * synced, and read back from the store); other text is a conflict.
   */
  private async repeatOf(turn: TurnRow, text: string): Promise<SubmitResult> {
    if (turn.answer !== text) throw new AppError('CONFLICT', 'That question has already been answered.');
    await this.deps.store.writeAll([], { durable: true });
    // if the first copy's acknowledgement failed (an fsync error), nothing has set it scoring yet
    if (turn.status === 'answered') this.advance(turn.sessionId).catch(() => {});
    return { turnId: turn.id };
  }

  /** Drops the session's state if it is this one (not one read afresh meanwhile), so the next use reads the store. */
  private forgetIfHeld(state: SessionState): void {
    if (this.states.peek(state.session.id) === state) this.states.forget(state.session.id);
  }

  private questionEvent(session: SessionRow, turn: TurnRow): QuestionEvent {
    const level = plannedQuestions(session, this.deps.banks)[turn.questionIndex - 1]?.level ?? session.level;
    return {
      sessionId: session.id,
      turnId: turn.id,
      index: turn.questionIndex,
      total: session.questionIds.length,
      kind: turn.kind,
      questionId: turn.questionId,
      level,
      text: turn.text,
      softLimitSeconds: softLimitSeconds(this.deps.config, level),
    };
  }

  private planFor(session: SessionRow): InterviewPlan {
    return { questions: plannedQuestions(session, this.deps.banks), followUps: session.followUps, threshold: this.deps.config.FOLLOW_UP_THRESHOLD };
  }

  private requireState(sessionId: string): SessionState {
    const state = this.states.get(sessionId);
    if (!state) throw new AppError('NOT_FOUND', 'No interview with that id and token.');
    return state;
  }

  private assertOpen(): void {
    if (this.closing) throw new AppError('UNAVAILABLE', 'The server is restarting. Reconnect in a moment; your answers are saved.');
  }

  private assertTakingAnswers({ session }: SessionState): void {
    if (session.status !== 'active' || this.finishing.has(session.id)) throw new AppError('CONFLICT', 'This interview has finished.');
  }
}

/** The named questions, in the order given, once each; an unknown id is the client's error. */
function pickQuestions(questions: readonly Question[], ids: readonly string[]): Question[] {
  const byId = new Map(questions.map((q) => [q.id, q]));
  return [...new Set(ids)].map((id) => {
    const q = byId.get(id);
    if (!q) throw new AppError('NOT_FOUND', `questionIds: no question "${id}" in this bank.`);
    return q;
  });
}

/** A turn just asked, as the store will hold it. */
function askedTurn(sessionId: string, seq: number, t: Pick<TurnRow, 'questionIndex' | 'questionId' | 'kind' | 'parentTurnId' | 'pointId' | 'text' | 'askedAt'>): TurnRow {
  return { id: newRowId(), sessionId, seq, ...t, answer: null, answeredAt: null, status: 'asked' };
}

function toTurnState(t: TurnRow, assessment: Assessment | undefined): TurnState {
  return { id: t.id, questionIndex: t.questionIndex, kind: t.kind, pointId: t.pointId, answered: t.status !== 'asked', assessment };
}

/** A follow-up answer is scored against the one point it probes, with the parent's reference as anchor. */
export function scoringInputFor(question: Question, turn: Pick<TurnRow, 'kind' | 'pointId' | 'text' | 'answer'>): ScoringInput {
  const point = turn.kind === 'follow-up' ? question.keyPoints.find((p) => p.id === turn.pointId) : undefined;
  return {
    questionId: question.id,
    question: point ? turn.text : question.question,
    reference: question.reference,
    tip: question.tip,
    keyPoints: point ? [point] : question.keyPoints,
    answer: turn.answer ?? '',
  };
}

/** Mean of the final per-question scores over the bank questions that were answered; 0 when none were. */
export function overallScore(plan: InterviewPlan, turns: readonly TurnRow[], assessments: ReadonlyMap<string, Assessment>): number {
  const scores: number[] = [];
  plan.questions.forEach((question, i) => {
    const forQuestion = turns.filter((t) => t.questionIndex === i + 1);
    const bankTurn = forQuestion.find((t) => t.kind === 'bank');
    const bank = bankTurn && assessments.get(bankTurn.id);
    if (!bank) return;
    const followUps = forQuestion.flatMap((t) => {
      const a = assessments.get(t.id);
      return t.kind === 'follow-up' && a && t.pointId ? [{ pointId: t.pointId, assessment: a }] : [];
    });
    scores.push(finalQuestionScore(question.keyPoints, bank, followUps));
  });
  return scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : 0;
}
