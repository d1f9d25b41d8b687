// A labelled <select> whose choice is kept in the URL (?name=…), so a reload or a shared link shows the same thing.
import { h, keepOptions } from '../dom.js';

export function urlChoice(parameter, label, onChange) {
  const id = `choose-${parameter}`;
  const select = h('select', { id, name: parameter });
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set(parameter, select.value);
    history.replaceState(null, '', url);
    onChange();
  });
  const element = h('label', { for: id }, label, select);
  return {
    element,
    // Sets the options and answers the chosen value: the URL's when it is one of them, else the first.
    update(values, describe) {
      const wanted = new URL(location.href).searchParams.get(parameter);
      if (select.options.length === 0 && wanted && values.includes(wanted)) {
        keepOptions(select, values, describe);
        select.value = wanted;
      }
      return keepOptions(select, values, describe) || null;
    },
  };
}
