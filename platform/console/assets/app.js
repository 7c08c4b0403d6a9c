// The console's shell: navigation, hash routing, and live updates from the platform's
// server-sent events (every view says which kinds of news make it re-render).
import { api } from './api.js';
import { activationView, activationsView } from './activations.js';
import { entityView } from './entity.js';
import { eventView, eventsView, rejectedView } from './events.js';
import { integrationView, integrationsView } from './integrations.js';
import { el } from './ui.js';

const main = document.getElementById('main');
const liveDot = document.getElementById('live');

const ctx = {
  overview: { eventCodes: [], registrations: [], actions: [], activationStatuses: [] },
  route: 'integrations',
  view: null,
  navigate(route, params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {}))
      if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
    const q = u.toString();
    location.hash = `#/${route}${q ? `?${q}` : ''}`;
  },
  refresh: () => render(false),
};

function parseHash() {
  const h = location.hash.replace(/^#\/?/, '');
  const [pathPart, query = ''] = h.split('?');
  const parts = (pathPart || 'integrations').split('/').map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query).entries());
  return { parts, params };
}

function viewFor(parts, params) {
  const [top, id] = parts;
  switch (top) {
    case 'events':
      return id ? eventView(ctx, id) : eventsView(ctx, params);
    case 'rejected':
      return rejectedView(ctx, params);
    case 'activations':
      return id ? activationView(ctx, id) : activationsView(ctx, params);
    case 'entity':
      return entityView(ctx, params);
    case 'integrations':
    default:
      return id ? integrationView(ctx, id) : integrationsView(ctx, params);
  }
}

let rendering = null;
let again = false;
let wantFresh = false;

/**
 * Render the current view into a fresh node, then swap it in (no flicker, scroll kept).
 * fresh: a new view for the current hash (navigation); otherwise a live re-render. Calls
 * during a render are coalesced into one more pass.
 */
async function render(fresh) {
  if (fresh) wantFresh = true;
  if (rendering) {
    again = true;
    return rendering;
  }
  rendering = (async () => {
    try {
      do {
        again = false;
        const { parts, params } = parseHash();
        ctx.route = parts[0] || 'integrations';
        const navigation = wantFresh || !ctx.view;
        if (navigation) ctx.view = viewFor(parts, params);
        wantFresh = false;
        for (const a of document.querySelectorAll('nav a')) a.classList.toggle('on', a.dataset.route === ctx.route);
        const node = el('div', { class: 'view', 'data-view': ctx.route });
        try {
          await ctx.view.render(node);
        } catch (e) {
          node.replaceChildren(
            el('div', { class: 'error-box', role: 'alert' }, el('strong', {}, 'Could not load this page: '), e.message),
          );
        }
        // a live update never replaces a filter the user is typing in: it comes later
        if (!navigation && editing()) {
          setTimeout(() => onLive('retry', null), 500);
          continue;
        }
        // a live update that changed nothing keeps the current nodes (no lost clicks, no
        // closed <details>); the equal markup means equal content and handlers
        const current = main.firstElementChild;
        if (!navigation && current) keepOpenState(current, node);
        if (!navigation && current && current.innerHTML === node.innerHTML) continue;
        main.replaceChildren(node);
        document.title = `${ctx.view.title} · I/O console`;
      } while (again);
    } finally {
      rendering = null;
      main.dataset.ready = '1';
    }
  })();
  return rendering;
}

/** the user is changing a filter (focus in it and a value changed) */
function editing() {
  const a = document.activeElement;
  const form = a && a.closest ? a.closest('#main .filters') : null;
  if (!form) return false;
  return [...form.elements].some((e) =>
    e.tagName === 'SELECT'
      ? e.selectedIndex >= 0 && !e.options[e.selectedIndex].defaultSelected
      : 'defaultValue' in e && e.value !== e.defaultValue,
  );
}

/** keep what the reader opened or closed (<details data-key>) across live re-renders */
function keepOpenState(from, to) {
  const state = new Map();
  for (const d of from.querySelectorAll('details[data-key]')) state.set(d.dataset.key, d.open);
  for (const d of to.querySelectorAll('details[data-key]'))
    if (state.has(d.dataset.key)) d.open = state.get(d.dataset.key);
}

let liveTimer = null;
function onLive(kind, data) {
  if (kind === 'registration' || kind === 'event') refreshOverviewSoon();
  if (!ctx.view || (kind !== 'retry' && !ctx.view.live(kind, data))) return;
  // coalesce bursts (a replay of 100 events is 100 deliveries) into one re-render
  if (liveTimer) return;
  // views with costly data (per-registration stats) ask for a longer pause between updates
  liveTimer = setTimeout(() => {
    liveTimer = null;
    if (document.querySelector('dialog[open]') || editing()) return void setTimeout(() => onLive('retry', null), 500);
    void render(false);
  }, ctx.view.liveDelayMs || 250);
}

let ovTimer = null;
function refreshOverviewSoon() {
  if (ovTimer) return;
  ovTimer = setTimeout(async () => {
    ovTimer = null;
    ctx.overview = await api.overview().catch(() => ctx.overview);
  }, 1000);
}

function connect() {
  const es = new EventSource('/console/api/stream');
  es.onopen = () => {
    liveDot.className = 'live on';
    liveDot.textContent = 'live';
    liveDot.title = 'updates arrive as they happen (server-sent events)';
  };
  es.onerror = () => {
    liveDot.className = 'live off';
    liveDot.textContent = 'reconnecting…';
  };
  for (const kind of ['event', 'delivery', 'registration', 'activation']) {
    es.addEventListener(kind, (m) => {
      let data = null;
      try {
        data = JSON.parse(m.data);
      } catch {
        data = null;
      }
      onLive(kind, data);
    });
  }
}

async function boot() {
  try {
    ctx.overview = await api.overview();
    document.getElementById('ns').textContent = ctx.overview.namespace;
    if (!ctx.overview.eventsModule) {
      main.replaceChildren(
        el(
          'div',
          { class: 'error-box' },
          'The events module is not loaded in this platform: there are no registrations or events to show.',
        ),
      );
    }
  } catch (e) {
    main.replaceChildren(el('div', { class: 'error-box' }, `Cannot reach the platform: ${e.message}`));
    return;
  }
  window.addEventListener('hashchange', () => void render(true));
  connect();
  await render(true);
}

void boot();
