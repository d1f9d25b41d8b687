// The shell: picks the page from /dashboard/{page}, draws the nav, and refreshes the page every few
// seconds while the tab is visible (one refresh at a time; a failed one shows its error and the next retries).
import { h } from './dom.js';
import { keyForm } from './key.js';
import pipeline from './pages/pipeline.js';
import training from './pages/training.js';
import evaluations from './pages/evaluations.js';
import registry from './pages/registry.js';
import live from './pages/live.js';
import drift from './pages/drift.js';
import alerts from './pages/alerts.js';

const PAGES = { pipeline, training, evaluations, registry, live, drift, alerts };
const REFRESH_MS = 3000;

const name = location.pathname.replace(/\/+$/, '').split('/')[2] || 'pipeline';
const page = PAGES[name];
const main = document.getElementById('main');
const status = document.getElementById('status');

document.querySelector('header.top').append(keyForm());
document.getElementById('nav').append(...Object.entries(PAGES).map(([key, value]) =>
  h('li', {}, h('a', { href: `/dashboard/${key}`, 'aria-current': key === name ? 'page' : null }, value.title))));

if (!page) {
  document.title = 'Not found · FineTune monitoring';
  main.append(h('h2', {}, 'No such page'), h('p', {}, `There is no dashboard page "${name}"; pick one above.`));
  status.textContent = '';
} else {
  document.title = `${page.title} · FineTune monitoring`;
  main.append(h('h2', {}, page.title));
  const view = page.mount(main);
  let running = false;
  const refresh = async () => {
    if (running || document.hidden) return;
    running = true;
    try {
      await view.refresh();
      status.classList.remove('error');
      status.textContent = `Live · updated ${new Date().toLocaleTimeString()}`;
      document.body.dataset.loaded = 'true';
    } catch (error) {
      status.classList.add('error');
      status.textContent = `Update failed: ${error.message}`;
    } finally {
      running = false;
    }
  };
  view.changed = refresh;
  refresh();
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', refresh);
}
