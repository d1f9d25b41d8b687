// Alerts from SLO burn rates and sustained drift: the open ones first, then the resolved.
import { h, badge, empty, formatNumber, formatTime } from '../dom.js';
import { getJson, modelId } from '../api.js';

function alertRow(alert) {
  const open = alert.resolved_at == null;
  return h('article', { class: 'card alert', 'data-alert': alert.alert_id, 'data-state': open ? 'open' : 'resolved' },
    h('div', {}, badge(open ? alert.severity : 'resolved', open ? (alert.severity === 'page' ? 'bad' : 'warn') : 'ok'), ' ', badge(alert.kind, 'none')),
    h('div', {},
      h('strong', {}, `${alert.objective} on ${modelId(alert.model)}${alert.adapter ? ` (${alert.adapter})` : ''}`),
      h('div', { class: 'meta' }, `value ${formatNumber(alert.value)} against threshold ${formatNumber(alert.threshold)} over ${alert.window}`)),
    h('div', { class: 'meta' }, `raised ${formatTime(alert.raised_at)}`, open ? null : h('br'), open ? null : `resolved ${formatTime(alert.resolved_at)}`));
}

export default {
  title: 'Alerts',
  mount(main) {
    const open = h('section', { class: 'alerts', id: 'open-alerts', 'aria-labelledby': 'open-title' });
    const resolved = h('section', { class: 'alerts', id: 'resolved-alerts', 'aria-labelledby': 'resolved-title' });
    const openTitle = h('h3', { id: 'open-title' }, 'Open');
    const resolvedTitle = h('h3', { id: 'resolved-title' }, 'Resolved');
    main.append(openTitle, open, resolvedTitle, resolved);
    return {
      async refresh() {
        const { data } = await getJson('/api/monitoring/alerts');
        const isOpen = alert => alert.resolved_at == null;
        openTitle.textContent = `Open (${data.filter(isOpen).length})`;
        resolvedTitle.textContent = `Resolved (${data.filter(a => !isOpen(a)).length})`;
        open.replaceChildren(...(data.some(isOpen) ? data.filter(isOpen).map(alertRow) : [empty('No open alerts.')]));
        resolved.replaceChildren(...(data.some(a => !isOpen(a)) ? data.filter(a => !isOpen(a)).map(alertRow) : [empty('None resolved yet.')]));
      },
    };
  },
};
