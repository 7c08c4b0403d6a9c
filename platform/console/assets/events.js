// Events: the filtered list, the rejected / dead-lettered list with replay, and one event's
// timeline (ingest, every attempt with request and response, the activations it caused).
import { api } from './api.js';
import {
  ask,
  badge,
  clear,
  codeBlock,
  el,
  fmtDuration,
  fmtFull,
  fmtTime,
  headersTable,
  select,
  short,
  toast,
  toLocalInput,
} from './ui.js';

const STATUS_OPTIONS = [
  { value: '', label: 'any status' },
  { value: 'delivered', label: 'delivered' },
  { value: 'pending,retrying', label: 'retrying / pending' },
  { value: 'rejected', label: 'rejected' },
  { value: 'dead', label: 'dead-lettered' },
  { value: 'rejected,dead', label: 'rejected or dead-lettered' },
  { value: 'held', label: 'held (paused)' },
  { value: 'received', label: 'received (journal only)' },
  { value: 'unrouted', label: 'unrouted (no registration)' },
];

const FAILED_OPTIONS = [
  { value: 'rejected,dead', label: 'rejected or dead-lettered' },
  { value: 'rejected', label: 'rejected' },
  { value: 'dead', label: 'dead-lettered' },
];

/** The filter bar; `apply(params)` navigates with the new filter. */
function filterBar(ctx, params, statusOptions) {
  const ov = ctx.overview;
  const f = el(
    'form',
    { class: 'filters', 'data-testid': 'filters' },
    el(
      'label',
      {},
      'Entity id',
      el('input', {
        name: 'entity',
        value: params.entity || '',
        placeholder: 'sku, email, order id…',
        'data-testid': 'filter-entity',
        size: 18,
      }),
    ),
    el(
      'label',
      {},
      'Event code',
      select(
        { name: 'type', 'data-testid': 'filter-type' },
        [{ value: '', label: 'any event' }, ...ov.eventCodes.map((c) => ({ value: c, label: c }))],
        params.type,
      ),
    ),
    el('label', {}, 'Status', select({ name: 'status', 'data-testid': 'filter-status' }, statusOptions, params.status)),
    el(
      'label',
      {},
      'Registration',
      select(
        { name: 'registration', 'data-testid': 'filter-registration' },
        [{ value: '', label: 'all' }, ...ov.registrations.map((r) => ({ value: r.registrationId, label: r.name }))],
        params.registration,
      ),
    ),
    el(
      'label',
      {},
      'From',
      el('input', {
        type: 'datetime-local',
        name: 'since',
        value: toLocalInput(params.since),
        'data-testid': 'filter-since',
      }),
    ),
    el(
      'label',
      {},
      'To',
      el('input', {
        type: 'datetime-local',
        name: 'until',
        value: toLocalInput(params.until),
        'data-testid': 'filter-until',
      }),
    ),
    el(
      'div',
      { class: 'filter-buttons' },
      el('button', { type: 'submit', class: 'btn primary', 'data-testid': 'filter-apply' }, 'Filter'),
      el('a', { class: 'btn quiet', href: `#/${ctx.route}` }, 'Reset'),
    ),
    el(
      'div',
      { class: 'presets' },
      'Received in the last ',
      [
        ['15 min', 15],
        ['hour', 60],
        ['24 h', 1440],
      ].map(([label, min]) =>
        el(
          'a',
          {
            href: '#',
            'data-testid': `preset-${min}`,
            onclick: (e) => {
              e.preventDefault();
              const { before: _b, back: _k, until: _u, ...rest } = params;
              ctx.navigate(ctx.route, { ...rest, since: String(Date.now() - min * 60_000) });
            },
          },
          label,
        ),
      ),
    ),
  );
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(f);
    const next = {};
    for (const [k, v] of data.entries()) {
      if (v === '') continue;
      next[k] = k === 'since' || k === 'until' ? String(new Date(String(v)).getTime()) : String(v);
    }
    ctx.navigate(ctx.route, next);
  });
  return f;
}

/** "why": the last attempt in a few words */
function lastAttemptCell(la) {
  if (!la) return el('span', { class: 'muted' }, '');
  const what = la.responseStatus !== null ? `HTTP ${la.responseStatus}` : la.error || la.outcome;
  return el(
    'span',
    {
      class: la.outcome === 'success' ? '' : 'bad',
      title: `${la.registration || ''} attempt ${la.attempt} at ${fmtFull(la.at)}`,
    },
    `${what} · attempt ${la.attempt}`,
    la.registration ? el('span', { class: 'muted small' }, ` · ${la.registration}`) : null,
  );
}

function pager(ctx, params, next) {
  const stack = params.back ? params.back.split('.') : [];
  return el(
    'div',
    { class: 'pager' },
    params.before
      ? el(
          'button',
          {
            class: 'btn quiet',
            'data-testid': 'newer',
            onclick: () => {
              const prev = stack.slice(0, -1);
              const before = stack[stack.length - 1];
              ctx.navigate(ctx.route, {
                ...params,
                before: before === '0' ? undefined : before,
                back: prev.length ? prev.join('.') : undefined,
              });
            },
          },
          '← Newer',
        )
      : el('span', {}),
    next
      ? el(
          'button',
          {
            class: 'btn quiet',
            'data-testid': 'older',
            onclick: () =>
              ctx.navigate(ctx.route, { ...params, before: next, back: [...stack, params.before || '0'].join('.') }),
          },
          'Older →',
        )
      : el('span', { class: 'muted' }, 'end of list'),
  );
}

function listQuery(params, fallbackStatus) {
  return {
    entity: params.entity,
    type: params.type,
    status: params.status || fallbackStatus,
    registration: params.registration,
    since: params.since,
    until: params.until,
    before: params.before,
    limit: params.limit || 50,
  };
}

export function eventsView(ctx, params) {
  const seen = new Set();
  let first = true;
  return {
    title: 'Events',
    async render(root) {
      const res = await api.events(listQuery(params));
      const la = res.events.length ? (await api.lastAttempts(res.events.map((e) => e.eventId))).lastAttempts : {};
      const rows = res.events.map((e) => {
        const fresh = !first && !seen.has(e.eventId);
        seen.add(e.eventId);
        return el(
          'tr',
          {
            class: `clickable ${fresh ? 'fresh' : ''}`,
            'data-testid': 'event-row',
            'data-event-id': e.eventId,
            'data-entity': e.entityId || '',
            onclick: () => (location.hash = `#/events/${e.eventId}`),
          },
          el('td', { class: 'nowrap', title: e.receivedAt }, fmtTime(e.receivedAt)),
          el('td', { class: 'mono' }, e.type),
          el('td', { class: 'mono strong' }, e.entityId || ''),
          el('td', {}, badge(e.status)),
          el('td', {}, lastAttemptCell(la[e.eventId])),
          el(
            'td',
            { class: 'mono muted', title: `event_id ${e.eventId}\nCloudEvent id ${e.id}` },
            short(e.eventId, 13),
          ),
        );
      });
      first = false;
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('h2', {}, 'Events'),
          el(
            'p',
            { class: 'muted' },
            'Every event the platform received, newest first; it updates live. Click a row for its timeline: each delivery attempt with request and response, and the activations it caused.',
          ),
        ),
        filterBar(ctx, params, STATUS_OPTIONS),
        el(
          'table',
          { class: 'grid', 'data-testid': 'events' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Received', 'Event code', 'Entity id', 'Status', 'Last attempt', 'Event id'].map((t) => el('th', {}, t)),
            ),
          ),
          el(
            'tbody',
            {},
            rows.length ? rows : el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No events match this filter.')),
          ),
        ),
        pager(ctx, params, res.next),
      );
    },
    // only the first page follows the stream; older pages stay put
    live(kind) {
      return !params.before && (kind === 'event' || kind === 'delivery');
    },
  };
}

export function rejectedView(ctx, params) {
  const selected = new Set();
  return {
    title: 'Rejected & dead-lettered',
    async render(root) {
      const q = listQuery(params, 'rejected,dead');
      const res = await api.events(q);
      const la = res.events.length ? (await api.lastAttempts(res.events.map((e) => e.eventId))).lastAttempts : {};
      for (const id of [...selected]) if (!res.events.some((e) => e.eventId === id)) selected.delete(id);
      const regName = params.registration
        ? ctx.overview.registrations.find((r) => r.registrationId === params.registration)?.name
        : undefined;
      const selBtn = el(
        'button',
        { class: 'btn primary', 'data-testid': 'replay-selected', disabled: selected.size === 0 },
        `Replay selected (${selected.size})`,
      );
      const sync = () => {
        selBtn.textContent = `Replay selected (${selected.size})`;
        selBtn.disabled = selected.size === 0;
      };
      const replayBody = () => {
        const b = { status: q.status };
        for (const k of ['entity', 'type', 'since', 'until', 'registration']) if (q[k]) b[k] = q[k];
        return b;
      };
      selBtn.addEventListener('click', async () => {
        try {
          const ids = [...selected];
          const r = await api.replayFailed({
            eventIds: ids,
            status: q.status,
            ...(params.registration ? { registration: params.registration } : {}),
          });
          selected.clear();
          toast(`Replaying ${r.events} events (${r.deliveries} deliveries)`);
          ctx.refresh();
        } catch (e) {
          toast(e.message, 'error');
        }
      });
      const allBtn = el(
        'button',
        {
          class: 'btn',
          'data-testid': 'replay-all',
          disabled: res.events.length === 0,
          onclick: async () => {
            const ok = await ask({
              title: 'Replay all matching events',
              text: `Every ${q.status.replace('dead', 'dead-lettered').replace(',', ' or ')} delivery of the events that match the filter${regName ? ` for ${regName}` : ''} is made again, with a new series of attempts (each one traced). Deliveries that succeeded are not repeated.`,
              label: 'Type "replay" to confirm',
              confirm: 'Replay all',
              required: true,
            });
            if (ok === null) return;
            if (ok.toLowerCase() !== 'replay') return toast('Not replayed: type "replay" to confirm', 'error');
            try {
              const r = await api.replayFailed(replayBody());
              toast(`Replaying ${r.events} events (${r.deliveries} deliveries)`);
              ctx.refresh();
            } catch (e) {
              toast(e.message, 'error');
            }
          },
        },
        'Replay all matching…',
      );
      const rows = res.events.map((e) => {
        const box = el('input', {
          type: 'checkbox',
          'data-testid': 'select-event',
          checked: selected.has(e.eventId),
          onclick: (ev) => ev.stopPropagation(),
          onchange: (ev) => {
            if (ev.target.checked) selected.add(e.eventId);
            else selected.delete(e.eventId);
            sync();
          },
        });
        return el(
          'tr',
          {
            class: 'clickable',
            'data-testid': 'event-row',
            'data-event-id': e.eventId,
            'data-entity': e.entityId || '',
            onclick: () => (location.hash = `#/events/${e.eventId}`),
          },
          el('td', { class: 'check', onclick: (ev) => ev.stopPropagation() }, box),
          el('td', { class: 'nowrap', title: e.receivedAt }, fmtTime(e.receivedAt)),
          el('td', { class: 'mono' }, e.type),
          el('td', { class: 'mono strong' }, e.entityId || ''),
          el('td', {}, badge(e.status)),
          el('td', {}, lastAttemptCell(la[e.eventId])),
          el(
            'td',
            { class: 'actions' },
            el(
              'button',
              {
                class: 'btn small',
                'data-testid': 'replay-one',
                onclick: async (ev) => {
                  ev.stopPropagation();
                  try {
                    const r = await api.replayFailed({
                      eventIds: [e.eventId],
                      status: q.status,
                      ...(params.registration ? { registration: params.registration } : {}),
                    });
                    toast(
                      `Replaying ${e.entityId || short(e.eventId)} (${r.deliveries} ${r.deliveries === 1 ? 'delivery' : 'deliveries'})`,
                    );
                    ctx.refresh();
                  } catch (err) {
                    toast(err.message, 'error');
                  }
                },
              },
              'Replay',
            ),
          ),
        );
      });
      const all = el('input', {
        type: 'checkbox',
        title: 'select all on this page',
        onchange: (ev) => {
          for (const e of res.events) ev.target.checked ? selected.add(e.eventId) : selected.delete(e.eventId);
          for (const b of root.querySelectorAll('[data-testid=select-event]')) b.checked = ev.target.checked;
          sync();
        },
      });
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('h2', {}, 'Rejected & dead-lettered events'),
          el(
            'p',
            { class: 'muted' },
            'Rejected: the target answered a final status (4xx other than 429, or 505); Adobe does not retry those. Dead-lettered: every retry failed for 24 hours (429, 5xx, timeouts, no response). Fix the target, then replay: each replay is a new, traced series of attempts.',
          ),
        ),
        filterBar(ctx, { ...params, status: params.status || 'rejected,dead' }, FAILED_OPTIONS),
        el('div', { class: 'toolbar' }, selBtn, allBtn),
        el(
          'table',
          { class: 'grid', 'data-testid': 'events' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { class: 'check' }, all),
              ['Received', 'Event code', 'Entity id', 'Status', 'Last attempt', ''].map((t) => el('th', {}, t)),
            ),
          ),
          el(
            'tbody',
            {},
            rows.length
              ? rows
              : el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'Nothing rejected or dead-lettered here.')),
          ),
        ),
        pager(ctx, params, res.next),
      );
    },
    live(kind) {
      return !params.before && (kind === 'delivery' || kind === 'registration');
    },
  };
}

/** plain words for an attempt's outcome: what happened and what the platform does next */
function explain(a, isLastOfDelivery, delivery) {
  const status = a.response ? a.response.status : null;
  if (a.outcome === 'success') return `The target answered ${status}: delivered.`;
  const what = status !== null ? `The target answered ${status}` : `No usable answer (${a.error || 'no response'})`;
  if (a.outcome === 'final')
    return `${what}: a final outcome, not retried (only 429, 5xx other than 505, timeouts and no response are). Fix the cause, then replay.`;
  if (isLastOfDelivery && delivery.status === 'dead')
    return `${what}: retried on Adobe's schedule until it ran out; dead-lettered. Fix the target, then replay.`;
  if (isLastOfDelivery && delivery.nextAttemptAt)
    return `${what}: retried on Adobe's schedule (1, 2, 4, 8 min, then every 15 min for 24 h); next attempt at ${fmtTime(delivery.nextAttemptAt)}.`;
  return `${what}: retried.`;
}

function attemptCard(a, delivery, isLast, open) {
  const retryCount = a.request && a.request.headers ? a.request.headers['x-adobe-retry-count'] : undefined;
  const replayed = a.attempt > 1 && retryCount === '0';
  return el(
    'li',
    { class: `tl-item tl-${a.outcome}`, 'data-testid': 'attempt', 'data-outcome': a.outcome },
    el(
      'div',
      { class: 'tl-head' },
      el('span', { class: 'tl-time', title: a.at }, fmtTime(a.at)),
      el('strong', {}, `Attempt ${a.attempt}`),
      replayed
        ? el(
            'span',
            { class: 'badge b-replay', title: 'a replay starts a new series of attempts (x-adobe-retry-count 0)' },
            'replay',
          )
        : null,
      ' → ',
      el('span', { class: 'mono' }, delivery.registration || ''),
      ' ',
      // the attempt that ran out the schedule shows as the dead letter it caused
      badge(isLast && delivery.status === 'dead' && a.outcome === 'retry' ? 'dead' : a.outcome),
      ' ',
      el(
        'span',
        { class: 'mono strong', 'data-testid': 'attempt-status' },
        a.response ? `HTTP ${a.response.status}` : a.error || '',
      ),
      el('span', { class: 'muted' }, ` ${fmtDuration(a.durationMs)}`),
    ),
    el('p', { class: 'explain' }, explain(a, isLast, delivery)),
    el(
      'details',
      {
        class: 'http',
        'data-testid': 'request',
        'data-key': `${a.deliveryId}/${delivery.registrationId}/req`,
        open: open || undefined,
      },
      el(
        'summary',
        {},
        el('strong', {}, 'Request'),
        ' ',
        el('span', { class: 'mono' }, `${a.request.method} ${a.request.url}`),
      ),
      headersTable(a.request.headers),
      codeBlock(a.request.body),
    ),
    el(
      'details',
      {
        class: 'http',
        'data-testid': 'response',
        'data-key': `${a.deliveryId}/${delivery.registrationId}/res`,
        open: open || undefined,
      },
      el(
        'summary',
        {},
        el('strong', {}, 'Response'),
        ' ',
        a.response
          ? el('span', { class: 'mono' }, `${a.response.status}`)
          : el('span', { class: 'bad' }, a.error || 'no response'),
      ),
      a.response
        ? [headersTable(a.response.headers), codeBlock(a.response.body)]
        : el('p', { class: 'bad' }, a.error || 'no response'),
    ),
    a.activationId
      ? el(
          'p',
          { class: 'small' },
          'Activation ',
          el('a', { href: `#/activations/${a.activationId}`, class: 'mono' }, a.activationId),
        )
      : null,
  );
}

function foldedAttempts(list, delivery) {
  const answers = new Map();
  for (const a of list) {
    const k = a.response ? `HTTP ${a.response.status}` : a.error || 'no response';
    answers.set(k, (answers.get(k) || 0) + 1);
  }
  const summary = [...answers.entries()].map(([k, c]) => `${c} × ${k}`).join(', ');
  const inner = el('ol', { class: 'timeline nested' });
  const d = el(
    'details',
    { class: 'fold', 'data-key': `fold/${delivery.registrationId}` },
    el(
      'summary',
      {},
      `${list.length} more attempts to ${delivery.registration || ''}, ${fmtTime(list[0].at)} – ${fmtTime(list[list.length - 1].at)}: ${summary}`,
    ),
    inner,
  );
  d.addEventListener('toggle', () => {
    if (d.open && !inner.firstChild) inner.append(...list.map((a) => attemptCard(a, delivery, false)));
  });
  return el('li', { class: 'tl-item tl-retry tl-fold', 'data-testid': 'folded-attempts' }, d);
}

function activationCard(act) {
  const ok = act.response && act.response.success;
  return el(
    'li',
    { class: `tl-item tl-${ok ? 'success' : 'final'}`, 'data-testid': 'activation' },
    el(
      'div',
      { class: 'tl-head' },
      el('span', { class: 'tl-time' }, fmtTime(act.start)),
      el('strong', {}, 'Activation '),
      el('span', { class: 'mono' }, act.annotations?.find((x) => x.key === 'path')?.value || act.name),
      ' ',
      badge(act.response ? act.response.status : 'unknown'),
      el('span', { class: 'muted' }, ` ${fmtDuration(act.duration)}`),
      ' ',
      el('a', { class: 'mono small', href: `#/activations/${act.activationId}` }, short(act.activationId, 12)),
    ),
    el(
      'details',
      { class: 'http', open: true },
      el('summary', {}, el('strong', {}, `Logs (${(act.logs || []).length})`)),
      el('pre', { class: 'code logs' }, (act.logs || []).join('\n') || '(no logs)'),
    ),
    el(
      'details',
      { class: 'http' },
      el('summary', {}, el('strong', {}, 'Result')),
      codeBlock(act.response ? act.response.result : null),
    ),
  );
}

/** for a failed event: which delivery failed, what the target answered, what to do */
function whyBox(t) {
  const failed = t.deliveries.filter(
    (d) => d.status === 'rejected' || d.status === 'dead' || d.status === 'retrying' || d.status === 'held',
  );
  if (failed.length === 0) return null;
  return el(
    'div',
    { class: 'why', 'data-testid': 'why' },
    failed.map((d) => {
      const last = d.trace[d.trace.length - 1];
      const answer = last
        ? last.response
          ? `HTTP ${last.response.status}${last.response.body ? `: ${String(last.response.body).slice(0, 160)}` : ''}`
          : last.error || 'no response'
        : '';
      const what = {
        rejected: `was rejected after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}; a 4xx (other than 429) or 505 is final. Fix the request or the target, then replay.`,
        dead: `was dead-lettered after ${d.attempts} attempts over the retry schedule. Fix the target, then replay.`,
        retrying: `is retrying (attempt ${d.attempts} failed); next attempt ${d.nextAttemptAt ? `at ${fmtTime(d.nextAttemptAt)}` : 'soon'}.`,
        held: 'is held: the integration is paused or disabled; it is delivered on resume.',
      }[d.status];
      return el(
        'p',
        {},
        el('strong', {}, d.registration || 'a deleted registration'),
        ` ${what}`,
        answer ? el('span', { class: 'mono small' }, ` Last answer: ${answer}`) : null,
      );
    }),
  );
}

export function eventView(ctx, id) {
  return {
    title: 'Event',
    async render(root) {
      const t = await api.event(id);
      const e = t.event;
      const ingest = el(
        'li',
        { class: 'tl-item tl-ingest', 'data-testid': 'ingest' },
        el(
          'div',
          { class: 'tl-head' },
          el('span', { class: 'tl-time', title: e.receivedAt }, fmtTime(e.receivedAt)),
          el('strong', {}, 'Ingested'),
          ' ',
          el('span', { class: 'mono' }, `${e.type} from ${e.source}`),
        ),
        el('details', { class: 'http' }, el('summary', {}, el('strong', {}, 'CloudEvent')), codeBlock(e.cloudEvent)),
      );
      const items = [{ at: new Date(e.receivedAt).getTime(), seq: 0, node: ingest }];
      let seq = 1;
      const anyFailed = t.deliveries.some((d) => d.status !== 'delivered');
      for (const d of t.deliveries) {
        const n = d.trace.length;
        // a dead letter has up to 100 attempts: show the first two and the last two, and
        // fold the ones between into one line that opens on demand
        const fold = n > 6 ? { from: 2, to: n - 2 } : null;
        d.trace.forEach((a, i) => {
          if (fold && i >= fold.from && i < fold.to) {
            if (i === fold.from)
              items.push({
                at: new Date(a.at).getTime(),
                seq: seq++,
                node: foldedAttempts(d.trace.slice(fold.from, fold.to), d),
              });
            return;
          }
          // the last attempt opens its request and response; a delivered one only when
          // nothing failed (else the failure is what the reader came for)
          const open = i === n - 1 && (d.status !== 'delivered' || !anyFailed);
          items.push({ at: new Date(a.at).getTime(), seq: seq++, node: attemptCard(a, d, i === n - 1, open) });
        });
      }
      for (const act of t.activations || []) items.push({ at: act.start, seq: seq++, node: activationCard(act) });
      items.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const replayAll = el(
        'button',
        {
          class: 'btn primary',
          'data-testid': 'replay-event',
          onclick: async () => {
            try {
              const r = await api.replayOne(e.eventId);
              toast(`Replaying (${r.replayed} deliveries)`);
              ctx.refresh();
            } catch (err) {
              toast(err.message, 'error');
            }
          },
        },
        'Replay to all its registrations',
      );
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('div', { class: 'crumbs' }, el('a', { href: '#/events' }, 'Events'), ' / '),
          el(
            'h2',
            {},
            el('span', { class: 'mono' }, e.type),
            ' ',
            e.entityId ? el('span', { class: 'entity' }, e.entityId) : null,
            ' ',
            badge(e.status),
          ),
          el(
            'dl',
            { class: 'facts inline' },
            el('dt', {}, 'event_id'),
            el('dd', { class: 'mono', 'data-testid': 'event-id' }, e.eventId),
            el('dt', {}, 'CloudEvent id'),
            el('dd', { class: 'mono' }, e.id),
            el('dt', {}, 'received'),
            el('dd', {}, fmtFull(e.receivedAt)),
          ),
          whyBox(t),
          el('div', { class: 'toolbar' }, replayAll),
        ),
        el('h3', {}, 'Deliveries'),
        el(
          'table',
          { class: 'grid', 'data-testid': 'deliveries' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Registration', 'Target', 'Status', 'Attempts', 'Last status', 'Next attempt', ''].map((h) =>
                el('th', {}, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            t.deliveries.length === 0
              ? el(
                  'tr',
                  {},
                  el(
                    'td',
                    { colspan: 7, class: 'muted' },
                    t.journals && t.journals.length
                      ? `journal only: ${t.journals.join(', ')}`
                      : 'no registration is interested in this event',
                  ),
                )
              : t.deliveries.map((d) =>
                  el(
                    'tr',
                    { 'data-testid': 'delivery-row', 'data-registration': d.registration || '' },
                    el(
                      'td',
                      {},
                      el('a', { href: `#/integrations/${d.registrationId}` }, d.registration || '(deleted)'),
                    ),
                    el('td', { class: 'mono target' }, d.target || ''),
                    el('td', {}, badge(d.status)),
                    el('td', { class: 'num' }, d.attempts),
                    el('td', { class: 'num' }, d.lastStatus ?? ''),
                    el('td', { class: 'nowrap' }, d.nextAttemptAt ? fmtTime(d.nextAttemptAt) : ''),
                    el(
                      'td',
                      {},
                      d.registrationId && d.status !== 'in_flight'
                        ? el(
                            'button',
                            {
                              class: 'btn small',
                              'data-testid': 'replay-delivery',
                              onclick: async () => {
                                try {
                                  await api.replayOne(e.eventId, d.registrationId);
                                  toast(`Replaying to ${d.registration}`);
                                  ctx.refresh();
                                } catch (err) {
                                  toast(err.message, 'error');
                                }
                              },
                            },
                            'Replay',
                          )
                        : null,
                    ),
                  ),
                ),
          ),
        ),
        el('h3', {}, 'Timeline'),
        el(
          'ol',
          { class: 'timeline', 'data-testid': 'timeline' },
          items.map((i) => i.node),
        ),
      );
    },
    live(kind, data) {
      return (kind === 'delivery' && data && data.eventId === id) || kind === 'activation';
    },
  };
}

export { clear };
