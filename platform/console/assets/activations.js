// Activations, like `aio rt activation list` and `aio rt activation logs`: filter by action
// and status; a row opens the logs and the result.
import { api } from './api.js';
import { activationStatus, codeBlock, el, fmtDuration, fmtFull, fmtTime, httpStatusOf, select, short } from './ui.js';

function detail(act) {
  return el(
    'div',
    { class: 'act-detail', 'data-testid': 'activation-detail' },
    el(
      'dl',
      { class: 'facts inline' },
      el('dt', {}, 'activation'),
      el('dd', { class: 'mono' }, act.activationId),
      el('dt', {}, 'start'),
      el('dd', {}, fmtFull(act.start)),
      el('dt', {}, 'duration'),
      el('dd', {}, fmtDuration(act.duration)),
      act.eventId
        ? [
            el('dt', {}, 'event'),
            el('dd', { class: 'mono' }, el('a', { href: `#/events/${act.eventId}` }, act.eventId)),
          ]
        : null,
    ),
    el('h4', {}, `Logs (${(act.logs || []).length})`),
    el('pre', { class: 'code logs', 'data-testid': 'activation-logs' }, (act.logs || []).join('\n') || '(no logs)'),
    el('h4', {}, 'Result'),
    codeBlock(act.response ? act.response.result : null),
  );
}

export function activationsView(ctx, params) {
  const open = new Set(params.open ? [params.open] : []);
  return {
    title: 'Activations',
    async render(root) {
      const res = await api.activations({
        action: params.action,
        status: params.status,
        eventId: params.eventId,
        before: params.before,
        limit: 50,
      });
      const form = el(
        'form',
        { class: 'filters', 'data-testid': 'filters' },
        el(
          'label',
          {},
          'Action',
          select(
            { name: 'action', 'data-testid': 'filter-action' },
            [{ value: '', label: 'all actions' }, ...ctx.overview.actions.map((a) => ({ value: a, label: a }))],
            params.action,
          ),
        ),
        el(
          'label',
          {},
          'Status',
          select(
            { name: 'status', 'data-testid': 'filter-status' },
            [
              { value: '', label: 'any status' },
              ...ctx.overview.activationStatuses.map((s) => ({ value: s, label: s })),
            ],
            params.status,
          ),
        ),
        el(
          'div',
          { class: 'filter-buttons' },
          el('button', { type: 'submit', class: 'btn primary' }, 'Filter'),
          el('a', { class: 'btn quiet', href: '#/activations' }, 'Reset'),
        ),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const d = new FormData(form);
        ctx.navigate('activations', { action: d.get('action') || undefined, status: d.get('status') || undefined });
      });
      const tbody = el('tbody', {});
      for (const a of res.activations) {
        const row = el(
          'tr',
          { class: 'clickable', 'data-testid': 'activation-row', 'data-action': a.action },
          el('td', { class: 'nowrap', title: fmtFull(a.start) }, fmtTime(a.start)),
          el('td', { class: 'mono' }, a.action),
          el('td', { class: 'nowrap' }, activationStatus(a.status, a.httpStatus)),
          el('td', { class: 'num' }, fmtDuration(a.duration)),
          el('td', { class: 'mono muted' }, a.activationId),
          el(
            'td',
            { class: 'mono' },
            a.eventId
              ? el('a', { href: `#/events/${a.eventId}`, onclick: (e) => e.stopPropagation() }, short(a.eventId, 28))
              : '',
          ),
        );
        const slot = el('tr', { class: 'detail-row' }, el('td', { colspan: 6 }));
        const toggle = async () => {
          if (slot.dataset.open) {
            delete slot.dataset.open;
            open.delete(a.activationId);
            slot.firstChild.replaceChildren();
            return;
          }
          slot.dataset.open = '1';
          open.add(a.activationId);
          try {
            slot.firstChild.replaceChildren(detail(await api.activation(a.activationId)));
          } catch (e) {
            slot.firstChild.replaceChildren(el('p', { class: 'bad' }, e.message));
          }
        };
        row.addEventListener('click', toggle);
        tbody.append(row, slot);
        if (open.has(a.activationId)) {
          open.delete(a.activationId);
          void toggle();
        }
      }
      if (res.activations.length === 0)
        tbody.append(el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No activations match this filter.')));
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('h2', {}, 'Activations'),
          el(
            'p',
            { class: 'muted' },
            'Every action run, newest first (what aio rt activation list shows). Click a row for its logs and result.',
          ),
        ),
        form,
        el(
          'table',
          { class: 'grid', 'data-testid': 'activations' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Start', 'Action', 'Status / HTTP', 'Duration', 'Activation id', 'Event'].map((t) => el('th', {}, t)),
            ),
          ),
          tbody,
        ),
        el(
          'div',
          { class: 'pager' },
          params.before ? el('a', { class: 'btn quiet', href: `#/activations` }, '← Newest') : el('span', {}),
          res.next
            ? el(
                'button',
                { class: 'btn quiet', onclick: () => ctx.navigate('activations', { ...params, before: res.next }) },
                'Older →',
              )
            : el('span', { class: 'muted' }, 'end of list'),
        ),
      );
    },
    live(kind) {
      return !params.before && kind === 'activation';
    },
  };
}

/** one activation on its own page (links from timelines) */
export function activationView(ctx, id) {
  return {
    title: 'Activation',
    async render(root) {
      const act = await api.activation(id);
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('div', { class: 'crumbs' }, el('a', { href: '#/activations' }, 'Activations'), ' / '),
          el(
            'h2',
            {},
            el('span', { class: 'mono' }, act.action || act.name),
            ' ',
            activationStatus(act.response.status, httpStatusOf(act.response.result)),
          ),
        ),
        detail(act),
      );
    },
    live() {
      return false;
    },
  };
}
