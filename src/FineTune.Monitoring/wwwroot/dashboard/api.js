// The monitoring API, by root-relative URLs so the same pages work on the service and behind the gateway.
const KEY_STORAGE = 'finetune.admin-key';

// the tab's key, if one was entered, goes with every request: through the gateway the reads need one too
function headers(extra = {}) {
  const key = adminKey();
  return key ? { ...extra, Accept: 'application/json', Authorization: `Bearer ${key}` } : { ...extra, Accept: 'application/json' };
}

export async function getJson(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.json();
}

export async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.status === 204 ? null : response.json();
}

// OpenAI's shape ({error: {message}}) from the gateway and this service; problem details from the registry.
async function errorMessage(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.detail ?? body?.title;
    if (message) return `${response.status}: ${message}`;
  } catch { /* not JSON: fall through to the raw text */ }
  return `${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

// sessionStorage: the key lives as long as the tab, never on disk across sessions.
export function adminKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setAdminKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export const modelId = model => (model ? `${model.name}:${model.version}` : null);
