import type { Bank, Question } from '../bank/bank-schema.js';
import { bandFor, type Assessment } from '../scoring/assessment.js';
import { finalQuestionScore } from '../interview/final-score.js';
import type { SessionRow } from '../store/session-repository.js';
import type { TurnRow } from '../store/transcript-repository.js';
import { communicationSignals } from './communication-signals.js';
import { REPORT_VERSION, type QuestionReport, type Report } from './report-model.js';
import { weakestConcepts, type MissedPoint } from './weak-concepts.js';
import { offlineNarrative } from './offline-narrative.js';

export interface PreviousAttempt {
  sessionId: string;
  date: string;
  score: number;
}

export interface ReportInput {
  session: SessionRow;
  /** the questions the session asked, in order */
  questions: readonly Question[];
  /** the session's bank, for its title and for questions that train a weak concept; absent if removed */
  bank?: Bank;
  turns: readonly TurnRow[];
  assessments: ReadonlyMap<string, Assessment>;
  /** earlier scores for the same questions, by question id */
  previousAttempts?: ReadonlyMap<string, PreviousAttempt[]>;
}

const seconds = (from: string, to: string | null) => (to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : null);

function average(rows: Array<{ key: string; score: number }>): Report['byTopic'] {
  const groups = new Map<string, number[]>();
  for (const r of rows) groups.set(r.key, [...(groups.get(r.key) ?? []), r.score]);
  return [...groups.entries()]
    .map(([key, s]) => ({ key, average: Math.round(s.reduce((a, b) => a + b, 0) / s.length), questions: s.length }))
    .sort((a, b) => a.average - b.average || a.key.localeCompare(b.key));
}

/**
 * Builds the report from what the store holds for a session. Pure: the same stored session always
 * gives the same report (the narrative can be replaced afterwards by an LLM-written one).
 */
export function buildReport(input: ReportInput): Report {
  const { session, bank, turns, assessments } = input;
  const questions: QuestionReport[] = [];
  const missed: MissedPoint[] = [];
  const answers: string[] = [];

  input.questions.forEach((question, i) => {
    const questionId = question.id;
    const forQuestion = turns.filter((t) => t.questionIndex === i + 1);
    if (forQuestion.length === 0) return;
    const bankTurn = forQuestion.find((t) => t.kind === 'bank');
    const bankAssessment = bankTurn ? assessments.get(bankTurn.id) : undefined;
    const followUps = forQuestion.flatMap((t) => {
      const a = assessments.get(t.id);
      return t.kind === 'follow-up' && a && t.pointId ? [{ pointId: t.pointId, assessment: a }] : [];
    });
    const score = bankAssessment ? finalQuestionScore(question.keyPoints, bankAssessment, followUps) : null;
    for (const t of forQuestion) if (t.answer) answers.push(t.answer);

    if (bankAssessment && score !== null) {
      const recovered = new Set(followUps.flatMap((f) => f.assessment.covered.map((c) => c.pointId)));
      for (const m of bankAssessment.missing) {
        const point = question.keyPoints.find((p) => p.id === m.pointId);
        if (point && !recovered.has(point.id)) missed.push({ question, point, questionScore: score });
      }
    }
    const times = forQuestion.map((t) => seconds(t.askedAt, t.answeredAt));
    const answeredTimes = times.filter((t): t is number => t !== null);
    questions.push({
      index: i + 1,
      questionId,
      level: question.level,
      topics: question.topics,
      question: question.question,
      score,
      band: score === null ? null : bandFor(score),
      criteria: bankAssessment?.criteria ?? [],
      reference: question.reference,
      tip: question.tip,
      timeTakenSeconds: answeredTimes.length ? answeredTimes.reduce((a, b) => a + b, 0) : null,
      turns: forQuestion.map((t, k) => ({
        turnId: t.id,
        kind: t.kind,
        question: t.text,
        answer: t.answer,
        timeTakenSeconds: times[k] ?? null,
        pointId: t.pointId,
        assessment: assessments.get(t.id) ?? null,
      })),
      previousAttempts: input.previousAttempts?.get(questionId) ?? [],
    });
  });

  const scored = questions.filter((q): q is QuestionReport & { score: number } => q.score !== null);
  const overall = scored.length ? Math.round(scored.reduce((a, q) => a + q.score, 0) / scored.length) : 0;
  const scorers = [...new Set([...assessments.values()].map((a) => (a.scorer === 'llm' ? `llm:${a.model ?? ''}` : 'offline')))];
  const report: Report = {
    version: REPORT_VERSION,
    sessionId: session.id,
    candidate: session.candidate,
    bank: { id: session.bankId, title: bank?.title ?? session.bankId },
    mode: session.mode,
    level: session.level,
    status: session.status,
    startedAt: session.createdAt,
    completedAt: session.completedAt,
    overall,
    band: bandFor(overall),
    answered: scored.length,
    total: session.questionIds.length,
    scorers,
    questions,
    byTopic: average(scored.flatMap((q) => q.topics.map((key) => ({ key, score: q.score })))),
    byLevel: average(scored.map((q) => ({ key: q.level, score: q.score }))),
    weakestConcepts: weakestConcepts(bank?.questions ?? input.questions, missed),
    communication: communicationSignals(answers),
    summary: '',
    studyPlan: [],
    narrative: { by: 'offline' },
  };
  return { ...report, ...offlineNarrative(report) };
}

