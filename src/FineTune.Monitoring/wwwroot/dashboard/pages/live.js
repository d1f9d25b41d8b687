// Live serving of one model version, minute by minute: latency, throughput, errors and cache hits.
import { h, empty, formatNumber, formatPercent } from '../dom.js';
import { getJson } from '../api.js';
import { chartCard } from '../chart.js';
import { urlChoice } from './choice.js';

export default {
  title: 'Live',
  mount(main) {
    const view = {};
    const model = urlChoice('model', 'Served model', () => view.changed());
    const charts = h('div', { class: 'grid', id: 'charts' });
    main.append(h('div', { class: 'toolbar' }, model.element, h('p', { class: 'meta' }, 'The last 60 minutes, one point a minute.')), charts);
    view.refresh = async () => {
      const { data: served } = await getJson('/api/monitoring/served');
      const chosen = model.update([...new Set(served.map(s => s.model))]);
      if (!chosen) { charts.replaceChildren(empty('Nothing served yet.')); return; }
      const { points } = await getJson(`/api/monitoring/live?model=${encodeURIComponent(chosen)}&minutes=60`);
      const at = key => points.map(p => ({ x: p.t, y: p[key] ?? null }));
      charts.replaceChildren(
        chartCard('Latency', [{ name: 'p50 ms', points: at('p50_latency_ms') }, { name: 'p95 ms', points: at('p95_latency_ms') }],
          { id: 'latency', threshold: { value: 2000, label: 'SLO p95' }, yFormat: v => `${formatNumber(v)} ms` }),
        chartCard('Throughput', [{ name: 'requests/min', points: at('requests') }, { name: 'tokens/s', points: at('tokens_per_second') }],
          { id: 'throughput' }),
        chartCard('Error rate', [{ name: 'error rate', points: at('error_rate') }],
          { id: 'error-rate', threshold: { value: 0.001, label: 'SLO' }, yFormat: formatPercent }),
        chartCard('Cache hits', [{ name: 'cache-hit ratio', points: at('cache_hit_ratio') }], { id: 'cache-hits', yFormat: formatPercent }));
    };
    return view;
  },
};
