// Builds elements without innerHTML, so text from the API can never become markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat(Infinity).filter(child => child != null && child !== false));
  return element;
}

export function badge(text, tone) {
  return h('span', { class: `badge ${tone}` }, text);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatNumber(value, digits = 3) {
  if (value == null || Number.isNaN(value)) return '—';
  if (Math.abs(value) >= 1000) return value.toLocaleString(undefined, { maximumFractionDigits: 0 });
  return Number(value.toPrecision(digits)).toString();
}

export function formatPercent(value) {
  return value == null ? '—' : `${Number((value * 100).toPrecision(3))}%`;
}

// A <select> whose options follow the data while the user's choice survives each refresh.
export function keepOptions(select, values, label = value => value) {
  const chosen = select.value;
  const current = [...select.options].map(option => option.value);
  if (current.join('\n') !== values.join('\n')) {
    select.replaceChildren(...values.map(value => h('option', { value }, label(value))));
  }
  if (values.includes(chosen)) select.value = chosen;
  return select.value;
}
