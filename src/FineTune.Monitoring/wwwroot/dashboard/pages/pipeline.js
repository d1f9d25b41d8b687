// Every run as one row: dataset → training job → evaluation → registry → deployment, each with its status.
import { h, badge, empty, formatNumber, formatTime } from '../dom.js';
import { getJson } from '../api.js';

const JOB_TONES = { running: 'run', succeeded: 'ok', failed: 'bad' };

function stage(title, ...content) {
  return h('div', { class: 'stage', 'data-stage': title.toLowerCase() }, h('h3', {}, title), ...content);
}

function row(run) {
  const progress = run.total_steps ? Math.min(100, (100 * run.step) / run.total_steps) : 0;
  const evaluation = run.evaluation;
  const aliases = run.aliases ?? [];
  return h('article', { class: 'run', 'data-job': run.job_id, 'aria-label': `Run ${run.job_id}` },
    stage('Dataset', h('div', { class: 'value' }, run.dataset ?? '—'),
      h('div', { class: 'meta' }, `${run.base_model ?? ''} · ${run.method ?? ''}`)),
    stage('Job', h('div', { class: 'value' }, run.job_id, ' ', badge(run.status, JOB_TONES[run.status] ?? 'none')),
      h('div', { class: 'meta' }, `step ${run.step ?? 0}/${run.total_steps ?? '?'} · loss ${formatNumber(run.train_loss)}`
        + (run.validation_loss != null ? ` · val ${formatNumber(run.validation_loss)}` : '')),
      h('div', { class: 'progress', role: 'progressbar', 'aria-label': `Training progress of ${run.job_id}`,
        'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(progress) }, h('span', { style: `width:${progress}%` }))),
    stage('Evaluation', evaluation
      ? [h('div', { class: 'value' }, badge(evaluation.passed ? 'passed' : 'failed', evaluation.passed ? 'ok' : 'bad')),
         evaluation.failed_checks?.length ? h('div', { class: 'meta' }, `failed: ${evaluation.failed_checks.join(', ')}`) : null]
      : h('div', { class: 'value' }, badge(run.status === 'succeeded' ? 'waiting' : 'not yet', 'none'))),
    stage('Registry', run.model
      ? h('div', { class: 'value' }, `${run.model.name}:${run.model.version}`)
      : h('div', { class: 'value' }, badge('not registered', 'none'))),
    stage('Deployment', h('div', { class: 'value' }, aliases.length
      ? aliases.map(alias => badge(alias, alias === 'production' ? 'ok' : 'run'))
      : badge('not deployed', 'none')),
      h('div', { class: 'meta' }, `updated ${formatTime(run.updated_at)}`)));
}

export default {
  title: 'Pipeline',
  mount(main) {
    const list = h('div', { class: 'runs', id: 'runs' });
    main.append(h('p', { class: 'meta' }, 'Each run from its dataset version to the aliases serving its model, newest first.'), list);
    return {
      async refresh() {
        const { data } = await getJson('/api/monitoring/runs');
        list.replaceChildren(...(data.length ? data.map(row) : [empty('No runs yet: they appear when training starts.')]));
      },
    };
  },
};
