// Evaluation reports: each metric's trend across evaluations, then every report with its verdict and failed checks.
import { h, badge, empty, formatNumber, formatTime } from '../dom.js';
import { getJson, modelId } from '../api.js';
import { chartCard, bars } from '../chart.js';

function report(evaluation) {
  const metrics = Object.entries(evaluation.metrics ?? {});
  const rates = metrics.filter(([, v]) => v >= 0 && v <= 1);
  const others = metrics.filter(([, v]) => !(v >= 0 && v <= 1));
  return h('article', { class: 'card report', 'data-evaluation': evaluation.evaluation_id },
    h('header', {}, h('h3', {}, evaluation.evaluation_id),
      badge(evaluation.passed ? 'passed' : 'failed', evaluation.passed ? 'ok' : 'bad')),
    h('p', { class: 'meta' }, `job ${evaluation.job_id} · model ${modelId(evaluation.model) ?? 'not registered'} · ${formatTime(evaluation.completed_at)}`),
    evaluation.failed_checks?.length
      ? h('p', {}, h('strong', {}, 'Failed checks: '), evaluation.failed_checks.join(', '))
      : h('p', { class: 'meta' }, 'Every gate check passed.'),
    rates.length ? bars(rates) : null,
    others.length ? h('p', { class: 'meta' }, others.map(([name, value]) => `${name} ${formatNumber(value)}`).join(' · ')) : null);
}

export default {
  title: 'Evaluations',
  mount(main) {
    const trends = h('div', { class: 'grid', id: 'trends' });
    const reports = h('div', { class: 'grid', id: 'reports' });
    main.append(h('h3', {}, 'Metrics across evaluations'), trends, h('h3', { style: 'margin-top:18px' }, 'Reports'), reports);
    return {
      async refresh() {
        const { data } = await getJson('/api/monitoring/evaluations');
        const ordered = [...data].sort((a, b) => new Date(a.completed_at) - new Date(b.completed_at));
        const names = [...new Set(ordered.flatMap(e => Object.keys(e.metrics ?? {})))];
        trends.replaceChildren(...(names.length
          ? names.map(name => chartCard(name, [{ name, points: ordered.map(e => ({ x: e.completed_at, y: e.metrics?.[name] ?? null })) }], { id: `metric-${name}` }))
          : [empty('No evaluations yet.')]));
        reports.replaceChildren(...data.map(report));
      },
    };
  },
};
