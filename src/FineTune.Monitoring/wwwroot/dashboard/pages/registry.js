// The registry: each model's aliases and versions, with Promote and Rollback (the gateway lets them
// through only with an admin key, entered in the header's key field).
import { h, badge, empty, formatTime, keepOptions } from '../dom.js';
import { getJson, postJson } from '../api.js';

function describeResult(result) {
  if (result?.to_version != null) return `Rolled ${result.alias} back from version ${result.from_version} to ${result.to_version}.`;
  if (result?.model) return `${result.alias ?? 'production'} now points at ${result.model.name}:${result.model.version}.`;
  return 'Done.';
}

// One card per model, built once so what the user types survives refreshes; refresh redraws its data part.
function modelCard(name, onChange) {
  const slug = name.replace(/[^a-zA-Z0-9_-]/g, '-');
  const data = h('div', { class: 'model-data' });
  const version = h('select', { id: `version-${slug}`, name: 'version' });
  const reason = h('input', { id: `reason-${slug}`, name: 'reason', placeholder: 'why (recorded in the audit log)' });
  const result = h('p', { class: 'result', role: 'status', 'aria-live': 'polite', id: `result-${slug}` });
  const act = async (button, path, body) => {
    button.disabled = true;
    result.className = 'result';
    result.textContent = 'Sending…';
    try {
      result.textContent = describeResult(await postJson(path, body));
      result.classList.add('ok');
      onChange();
    } catch (error) {
      result.textContent = error.message;
      result.classList.add('bad');
    } finally {
      button.disabled = false;
    }
  };
  const base = `/api/monitoring/models/${encodeURIComponent(name)}`;
  const promote = h('button', { type: 'button', class: 'promote' }, 'Promote');
  promote.addEventListener('click', () => act(promote, `${base}/promote`, { version: Number(version.value), reason: reason.value }));
  const rollback = h('button', { type: 'button', class: 'secondary rollback' }, 'Rollback');
  rollback.addEventListener('click', () => act(rollback, `${base}/rollback`, { reason: reason.value || 'rollback from the dashboard' }));
  const element = h('article', { class: 'card model', 'data-model': name },
    h('header', {}, h('h3', {}, name)), data,
    h('form', { class: 'actions', onsubmit: event => event.preventDefault(), 'aria-label': `Promote or roll back ${name}` },
      h('label', { for: version.id }, 'Version', version), h('label', { for: reason.id }, 'Reason', reason), promote, rollback),
    result);

  return {
    element,
    update(model) {
      const aliasesOf = v => Object.entries(model.aliases ?? {}).filter(([, at]) => at === v).map(([alias]) => alias);
      const versions = [...(model.versions ?? [])].sort((a, b) => b.version - a.version);
      keepOptions(version, versions.map(v => String(v.version)), v => `version ${v}`);
      data.replaceChildren(
        h('p', { class: 'aliases' }, 'Aliases: ', Object.keys(model.aliases ?? {}).length
          ? Object.entries(model.aliases).map(([alias, v]) => [badge(`${alias} → v${v}`, alias === 'production' ? 'ok' : 'run'), ' '])
          : badge('none', 'none')),
        h('ul', { class: 'versions' }, versions.map(v => h('li', { 'data-version': v.version },
          h('strong', {}, `v${v.version}`), h('span', { class: 'meta' }, `job ${v.job_id} · ${formatTime(v.registered_at)}`),
          aliasesOf(v.version).map(alias => badge(alias, alias === 'production' ? 'ok' : 'run'))))),
        model.history?.length
          ? h('ol', { class: 'history', 'aria-label': `History of ${name}` }, [...model.history].reverse().slice(0, 5).map(entry =>
              h('li', {}, `${formatTime(entry.at)} ${entry.action.replace('_', ' ')} ${entry.alias}: ${entry.from ?? '—'} → ${entry.to} by ${entry.by}${entry.reason ? ` (${entry.reason})` : ''}`)))
          : null);
    },
  };
}

export default {
  title: 'Registry',
  mount(main) {
    const view = {};
    const cards = new Map();
    const list = h('div', { class: 'grid', id: 'models' });
    main.append(list);
    view.refresh = async () => {
      const { data } = await getJson('/api/monitoring/models');
      for (const model of data) {
        if (!cards.has(model.name)) cards.set(model.name, modelCard(model.name, () => view.changed()));
        cards.get(model.name).update(model);
      }
      const shown = data.map(model => cards.get(model.name).element);
      if (shown.length === 0) list.replaceChildren(empty('No registered models yet.'));
      else if (shown.some((element, i) => list.children[i] !== element) || list.children.length !== shown.length) list.replaceChildren(...shown);
    };
    return view;
  },
};
