// The API key field in the header: kept in this tab's sessionStorage and sent as a bearer token with
// every request, which the gateway checks (a fine-tune key reads the dashboard, an admin key also
// promotes and rolls back). Served straight from the monitoring service, no key is needed.
import { h } from './dom.js';
import { adminKey, setAdminKey } from './api.js';

export function keyForm() {
  const input = h('input', { id: 'admin-key', type: 'password', autocomplete: 'off', value: adminKey(), placeholder: 'paste an API key' });
  const saved = h('span', { class: 'meta', role: 'status' }, adminKey() ? 'Key kept for this tab.' : 'No key.');
  input.addEventListener('change', () => {
    setAdminKey(input.value.trim());
    saved.textContent = input.value.trim() ? 'Key kept for this tab.' : 'Key forgotten.';
  });
  return h('div', { class: 'key' }, h('label', { for: 'admin-key' }, 'API key', input),
    h('button', { type: 'button', class: 'secondary', onclick: () => { input.value = ''; input.dispatchEvent(new Event('change')); } }, 'Forget key'), saved);
}
