// Loss and validation curves of one training job, with its learning rate and throughput underneath.
import { h, empty, formatNumber } from '../dom.js';
import { getJson } from '../api.js';
import { chartCard } from '../chart.js';
import { urlChoice } from './choice.js';

export default {
  title: 'Training',
  mount(main) {
    const view = {};
    const job = urlChoice('job', 'Training job', () => view.changed());
    const charts = h('div', { class: 'grid', id: 'charts' });
    main.append(h('div', { class: 'toolbar' }, job.element), charts);
    view.refresh = async () => {
      const { data: runs } = await getJson('/api/monitoring/runs');
      const chosen = job.update(runs.map(run => run.job_id), id => {
        const run = runs.find(r => r.job_id === id);
        return `${id} (${run.status}${run.model ? `, ${run.model.name}:${run.model.version}` : ''})`;
      });
      if (!chosen) { charts.replaceChildren(empty('No training jobs yet.')); return; }
      const { points } = await getJson(`/api/monitoring/runs/${encodeURIComponent(chosen)}/curve`);
      const at = key => points.map(p => ({ x: p.step, y: p[key] ?? null }));
      charts.replaceChildren(
        chartCard('Loss', [{ name: 'train loss', points: at('train_loss') }, { name: 'validation loss', points: at('validation_loss') }],
          { id: 'loss', xTitle: 'step', zero: false }),
        chartCard('Learning rate', [{ name: 'learning rate', points: at('learning_rate') }],
          { id: 'learning-rate', xTitle: 'step', yFormat: v => v.toExponential(1) }),
        chartCard('Throughput', [{ name: 'tokens/s', points: at('tokens_per_second') }],
          { id: 'throughput', xTitle: 'step', yFormat: v => formatNumber(v) }));
    };
    return view;
  },
};
