// Each drift statistic of one model version against its training data, per window, with its threshold.
import { h, empty } from '../dom.js';
import { getJson } from '../api.js';
import { chartCard } from '../chart.js';
import { urlChoice } from './choice.js';

export default {
  title: 'Drift',
  mount(main) {
    const view = {};
    const model = urlChoice('model', 'Served model', () => view.changed());
    const reference = h('p', { class: 'meta', id: 'reference' });
    const charts = h('div', { class: 'grid', id: 'charts' });
    main.append(h('div', { class: 'toolbar' }, model.element, reference), charts);
    view.refresh = async () => {
      const { data: served } = await getJson('/api/monitoring/served');
      const chosen = model.update([...new Set(served.map(s => s.model))]);
      if (!chosen) { charts.replaceChildren(empty('Nothing served yet.')); reference.textContent = ''; return; }
      const drift = await getJson(`/api/monitoring/drift?model=${encodeURIComponent(chosen)}`);
      reference.textContent = drift.reference ? `Reference: training data ${drift.reference}` : 'No reference profile for this version.';
      charts.replaceChildren(...(drift.metrics.length
        ? drift.metrics.map(m => chartCard(`${m.metric} (${m.window})`, [{ name: m.metric, points: m.points.map(p => ({ x: p.t, y: p.value })) }],
            { id: `${m.metric}-${m.window}`, threshold: { value: m.threshold, label: 'threshold' } }))
        : [empty('No drift statistics yet.')]));
    };
    return view;
  },
};
