import type { Report } from './report-model.js';

/** The summary and study plan written by rules, used without an LLM and whenever the LLM fails. */
export function offlineNarrative(report: Report): Pick<Report, 'summary' | 'studyPlan' | 'narrative'> {
  const scored = report.questions.filter((q) => q.score !== null);
  const who = report.candidate ? `${report.candidate} answered` : 'You answered';
  const parts: string[] = [];
  if (scored.length === 0) {
    parts.push('No question was answered, so there is nothing to assess yet.');
  } else {
    parts.push(`${who} ${scored.length} of ${report.total} questions for an overall ${report.overall}/100 (${report.band}).`);
    const sorted = [...scored].sort((a, b) => b.score! - a.score!);
    const best = sorted[0]!;
    const worst = sorted.at(-1)!;
    if (sorted.length > 1 && best.score !== worst.score) {
      parts.push(`Strongest: "${best.question}" (${best.score}). Weakest: "${worst.question}" (${worst.score}).`);
    }
    if (report.weakestConcepts.length) {
      parts.push(`The main gaps: ${report.weakestConcepts.map((c) => c.label.toLowerCase()).join('; ')}.`);
    } else {
      parts.push('Every key point of the answered questions was covered.');
    }
    const strongTopics = report.byTopic.filter((t) => t.average >= 80).map((t) => t.key);
    if (strongTopics.length) parts.push(`Solid ground: ${strongTopics.join(', ')}.`);
  }

  const plan: string[] = [];
  for (const c of report.weakestConcepts) {
    const [own, ...others] = c.trainWith;
    const practise = others.length ? ` Then practise: ${others.map((o) => `"${o.question}"`).join(' and ')}.` : '';
    plan.push(`${c.label}: re-read the reference answer and tip for "${own?.question ?? c.questionId}" below, and explain it aloud in your own words.${practise}`);
  }
  for (const note of report.communication.notes.slice(0, 2)) plan.push(note);
  if (scored.length && scored.length < report.total) plan.push(`Finish a full interview: ${report.total - scored.length} question(s) were left unanswered.`);
  if (plan.length === 0 && scored.length) plan.push('Move up a level, or switch to realistic mode to practise without feedback between questions.');
  return { summary: parts.join(' '), studyPlan: plan, narrative: { by: 'offline' } };
}
