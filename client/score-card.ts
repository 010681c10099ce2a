import type { Assessment, Criterion } from '../server/scoring/assessment.js';
import { el } from './dom.js';

const CRITERION_LABELS: Record<string, string> = {
  accuracy: 'Accuracy',
  depth: 'Depth',
  practice: 'Real-world practice',
  communication: 'Communication',
};

const BAND_LABELS: Record<string, string> = { weak: 'Weak', fair: 'Fair', good: 'Good', strong: 'Strong' };

export function bandLabel(band: string): string {
  return BAND_LABELS[band] ?? band;
}

export function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

/** One answer's assessment: overall and band, criteria bars, evidence, what was missing, feedback. */
export function renderScoreCard(assessment: Assessment, context: { title: string }): HTMLElement {
  const overall = Math.round(assessment.overall);
  const band = assessment.band;

  const header = el(
    'header',
    { className: 'score-head' },
    el(
      'div',
      { className: 'score-total', attrs: { 'aria-label': `Score ${overall} out of 100, ${bandLabel(band)}` } },
      el('span', { className: 'overall', text: String(overall) }),
      el('span', { className: 'overall-max', text: '/100', attrs: { 'aria-hidden': 'true' } }),
    ),
    el(
      'div',
      { className: 'score-title' },
      el('span', { className: `band band-${band}`, text: bandLabel(band) }),
      el('span', { className: 'score-context', text: context.title }),
    ),
  );

  const criteria = renderCriteria(assessment.criteria ?? []);
  const sections = renderPointSections(assessment);

  const feedback = assessment.feedback
    ? el('section', { className: 'score-section feedback' }, el('h4', { text: 'Feedback' }), el('p', { className: 'feedback-text', text: assessment.feedback }))
    : null;

  const meta: string[] = [];
  if (assessment.scorer === 'llm' && assessment.model) meta.push(`Graded by ${assessment.model}`);
  if (assessment.scorer === 'offline' && !assessment.fallbackReason) meta.push('Scored by the built-in rubric scorer');
  const fallback = assessment.fallbackReason
    ? el(
        'p',
        { className: 'fallback-note', attrs: { role: 'note' } },
        el('strong', { text: 'Scored by the built-in scorer' }),
        ` because the model grader was unavailable (${assessment.fallbackReason}).`,
      )
    : null;

  return el(
    'article',
    { className: `score-card band-${band}`, attrs: { 'aria-label': `${context.title}: ${overall} out of 100` } },
    header,
    criteria,
    el('div', { className: 'score-sections' }, ...sections),
    feedback,
    fallback,
    meta.length ? el('p', { className: 'score-meta', text: meta.join(' · ') }) : null,
  );
}

/** The four rubric criteria as 0..4 bars. */
export function renderCriteria(list: readonly Criterion[]): HTMLElement {
  const criteria = el('ul', { className: 'criteria', attrs: { 'aria-label': 'Criteria, each scored 0 to 4' } });
  for (const c of list) {
    const label = CRITERION_LABELS[c.id] ?? c.id;
    const fill = el('span', { className: `bar-fill level-${Math.round(c.score)}` });
    fill.style.width = `${Math.max(0, Math.min(4, c.score)) * 25}%`;
    criteria.append(
      el(
        'li',
        { className: 'criterion' },
        el('span', { className: 'criterion-label', text: label }),
        el(
          'span',
          {
            className: 'bar',
            attrs: { role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 4, 'aria-valuenow': c.score, 'aria-label': `${label}: ${formatScore(c.score)} of 4` },
          },
          fill,
        ),
        el('span', { className: 'criterion-score', text: `${formatScore(c.score)}/4`, attrs: { 'aria-hidden': 'true' } }),
        c.note ? el('span', { className: 'criterion-note', text: c.note }) : null,
      ),
    );
  }

  return criteria;
}

/** "What you covered" with the candidate's own words as evidence, and "What was missing". */
export function renderPointSections(assessment: Pick<Assessment, 'covered' | 'missing'>): HTMLElement[] {
  const sections: HTMLElement[] = [];
  if (assessment.covered?.length) {
    const list = el('ul', { className: 'points covered-points' });
    for (const point of assessment.covered) {
      list.append(
        el(
          'li',
          { className: 'point covered' },
          el('span', { className: 'point-icon', text: '✓', attrs: { 'aria-hidden': 'true' } }),
          el(
            'div',
            { className: 'point-body' },
            el('span', { className: 'point-label', text: point.label }),
            point.evidence
              ? el('blockquote', { className: 'evidence', attrs: { 'aria-label': 'In your words' } }, el('span', { text: point.evidence }))
              : null,
          ),
        ),
      );
    }
    sections.push(el('section', { className: 'score-section' }, el('h4', { text: 'What you covered' }), list));
  }
  if (assessment.missing?.length) {
    const list = el('ul', { className: 'points missing-points' });
    const sorted = [...assessment.missing].sort((a, b) => Number(b.core) - Number(a.core));
    for (const point of sorted) {
      list.append(
        el(
          'li',
          { className: `point missing${point.core ? ' core' : ''}` },
          el('span', { className: 'point-icon', text: point.core ? '!' : '–', attrs: { 'aria-hidden': 'true' } }),
          el(
            'div',
            { className: 'point-body' },
            el('span', { className: 'point-label', text: point.label }),
            point.core ? el('span', { className: 'core-tag', text: 'core' }) : null,
          ),
        ),
      );
    }
    sections.push(el('section', { className: 'score-section' }, el('h4', { text: 'What was missing' }), list));
  }

  return sections;
}
