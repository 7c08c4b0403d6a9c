// Integrations (event registrations): the list, and one registration's page with its
// chart, start/stop log and recent deliveries (Debug Tracing).
import { api } from './api.js';
import { chart } from './chart.js';
import { ask, badge, breakable, el, fmtAgo, fmtDuration, fmtFull, fmtTime, short, toast, toLocalInput } from './ui.js';

function stateCell(r, inline) {
  if (r.paused) {
    return el(
      inline ? 'span' : 'div',
      { class: inline ? 'state-inline' : '' },
      el('span', { class: 'badge b-held', 'data-testid': 'state' }, 'PAUSED'),
      el(inline ? 'span' : 'div', { class: 'reason' }, r.pauseReason || ''),
    );
  }
  if (!r.enabled && r.delivery_type !== 'journal')
    return el('span', { class: 'badge b-DISABLED', 'data-testid': 'state' }, 'STOPPED');
  return el('span', { class: 'badge b-running', 'data-testid': 'state' }, 'RUNNING');
}

function countsOf(r) {
  const c = r.counts || {};
  return {
    delivered: c.delivered || 0,
    retrying: (c.retrying || 0) + (c.pending || 0) + (c.in_flight || 0),
    failed: (c.rejected || 0) + (c.dead || 0),
    held: c.held || 0,
  };
}

export async function pauseOrResume(r, after) {
  if (r.paused || (!r.enabled && r.delivery_type !== 'journal')) {
    const reason = await ask({
      title: `Resume ${r.name}`,
      text: 'Held events are delivered as soon as the integration resumes.',
      label: 'Reason',
      placeholder: 'e.g. target fixed and redeployed',
      confirm: 'Resume',
      required: true,
    });
    if (reason === null) return;
    await api.resume(r.registration_id, reason);
    toast(`${r.name} resumed`);
  } else {
    const reason = await ask({
      title: `Pause ${r.name}`,
      text: 'While paused, events for this integration are kept and delivered on resume.',
      label: 'Reason',
      placeholder: 'e.g. ERP maintenance window',
      confirm: 'Pause',
      required: true,
    });
    if (reason === null) return;
    await api.pause(r.registration_id, reason);
    toast(`${r.name} paused`);
  }
  await after();
}

export async function editEndDate(r, after) {
  const value = await ask({
    title: `End date of ${r.name}`,
    text: 'A temporary integration stops by itself at its end date (events are then held, as when paused).',
    label: 'Stops at (your local time)',
    type: 'datetime-local',
    value: toLocalInput(r.endsAt),
    confirm: 'Set end date',
    required: true,
    extraButton: r.endsAt ? { label: 'Make permanent', value: '__remove__' } : undefined,
  });
  if (value === null) return;
  if (value === '__remove__') {
    await api.endDate(r.registration_id, null);
    toast(`${r.name} is permanent again`);
  } else {
    const at = new Date(value).getTime();
    await api.endDate(r.registration_id, at);
    toast(`${r.name} stops ${fmtAgo(at)}`);
  }
  await after();
}

function interests(r) {
  return el(
    'div',
    { class: 'chips' },
    (r.events_of_interest || []).map((ei) =>
      el('span', { class: 'chip', title: `${ei.event_label} (${ei.provider_label})` }, breakable(ei.event_code)),
    ),
  );
}

function target(r) {
  if (r.delivery_type === 'journal') return el('span', { class: 'mono' }, 'journal');
  return el('span', { class: 'mono target', title: r.target }, r.target);
}

/** one labelled count of the Deliveries cell ("3 delivered"), linking to those events */
function countLink(href, testid, n, label) {
  return el(
    'div',
    { class: `count ${label === 'failed' && n ? 'bad' : ''}` },
    el('a', { href, 'data-testid': testid }, n),
    ` ${label}`,
  );
}

const stopped = (r) => r.paused || (!r.enabled && r.delivery_type !== 'journal');

export function integrationsView(ctx, params) {
  let stats = new Map();
  const show = params.show || 'all';
  return {
    title: 'Integrations',
    liveDelayMs: 1500,
    async render(root) {
      const all = (await api.registrations()).registrations;
      // like NewStore's Event Stream page: all, the active ones, the paused (or stopped) ones
      const registrations = all.filter((r) => show === 'all' || (show === 'paused' ? stopped(r) : !stopped(r)));
      const tabs = el(
        'div',
        { class: 'seg tabs', 'data-testid': 'integration-tabs' },
        [
          ['all', `All (${all.length})`],
          ['active', `Active (${all.filter((r) => !stopped(r)).length})`],
          ['paused', `Paused (${all.filter(stopped).length})`],
        ].map(([v, label]) =>
          el(
            'a',
            {
              class: `btn small ${show === v ? 'on' : 'quiet'}`,
              href: v === 'all' ? '#/integrations' : `#/integrations?show=${v}`,
              'data-testid': `tab-${v}`,
            },
            label,
          ),
        ),
      );
      // sparklines: one stats call per registration (a handful locally)
      const entries = await Promise.all(
        registrations.map(async (r) => [
          r.registration_id,
          await api.stats(r.registration_id).catch(() => ({ series: [] })),
        ]),
      );
      stats = new Map(entries);
      const rows = registrations.map((r) => {
        const c = countsOf(r);
        const refresh = () => ctx.refresh();
        return el(
          'tr',
          { 'data-testid': 'registration-row', 'data-name': r.name, 'data-registration-id': r.registration_id },
          el(
            'td',
            {},
            el(
              'a',
              { href: `#/integrations/${encodeURIComponent(r.registration_id)}`, class: 'strong reg-name' },
              r.name,
            ),
            r.description ? el('div', { class: 'muted small' }, r.description) : null,
          ),
          el('td', {}, target(r), el('div', { class: 'muted small' }, r.delivery_type)),
          el('td', {}, interests(r)),
          el(
            'td',
            { class: 'health-cell' },
            badge(r.health),
            stateCell(r),
            r.endsAt
              ? el('div', { class: 'small', title: fmtFull(r.endsAt) }, `temporary: stops ${fmtAgo(r.endsAt)}`)
              : null,
          ),
          el(
            'td',
            { class: 'counts-cell' },
            countLink(
              `#/events?registration=${r.registration_id}&status=delivered`,
              'count-delivered',
              c.delivered,
              'delivered',
            ),
            countLink(
              `#/events?registration=${r.registration_id}&status=pending,retrying`,
              'count-retrying',
              c.retrying,
              'retrying',
            ),
            countLink(`#/rejected?registration=${r.registration_id}`, 'count-failed', c.failed, 'failed'),
            countLink(`#/events?registration=${r.registration_id}&status=held`, 'count-held', c.held, 'held'),
          ),
          el(
            'td',
            { class: 'spark-cell' },
            el(
              'a',
              { href: `#/integrations/${encodeURIComponent(r.registration_id)}`, title: 'open the chart' },
              chart(stats.get(r.registration_id)?.series || [], { compact: true }),
            ),
          ),
          el(
            'td',
            { class: 'actions' },
            el(
              'button',
              {
                class: `btn small ${r.paused ? 'primary' : ''}`,
                'data-testid': r.paused ? 'resume' : 'pause',
                onclick: () => pauseOrResume(r, refresh).catch((e) => toast(e.message, 'error')),
              },
              r.paused || (!r.enabled && r.delivery_type !== 'journal') ? 'Resume…' : 'Pause…',
            ),
            el(
              'button',
              {
                class: 'btn small quiet',
                'data-testid': 'end-date',
                onclick: () => editEndDate(r, refresh).catch((e) => toast(e.message, 'error')),
              },
              'End date…',
            ),
          ),
        );
      });
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('h2', {}, 'Integrations'),
          el(
            'p',
            { class: 'muted' },
            'Event registrations. Counts are deliveries; "failed" is rejected or dead-lettered. Click a count to see those events, a name for its chart and start / stop log.',
          ),
          tabs,
        ),
        registrations.length === 0
          ? el(
              'div',
              { class: 'empty' },
              all.length === 0
                ? 'No registrations yet. Run the onboarding (npm run onboard) or start the platform with an events config (--events-config).'
                : 'No registration in this tab.',
            )
          : el(
              'table',
              { class: 'grid', 'data-testid': 'registrations' },
              el(
                'thead',
                {},
                el(
                  'tr',
                  {},
                  ['Registration', 'Target', 'Events of interest', 'Health / state', 'Deliveries', 'Last hour', ''].map(
                    (t) => el('th', {}, t),
                  ),
                ),
              ),
              el('tbody', {}, rows),
            ),
      );
    },
    live(kind) {
      return kind === 'delivery' || kind === 'registration' || kind === 'event';
    },
  };
}

export function integrationView(ctx, id) {
  let outcome = '';
  let limit = 25;
  return {
    title: 'Integration',
    liveDelayMs: 1000,
    async render(root) {
      const [r, st, at] = await Promise.all([
        api.registration(id),
        api.stats(id),
        api.attempts(id, { limit, outcome }),
      ]);
      const ids = [...new Set(at.attempts.map((a) => a.eventId).filter(Boolean))];
      const info = ids.length ? (await api.lastAttempts(ids)).lastAttempts : {};
      const c = countsOf(r);
      const refresh = () => ctx.refresh();
      const log = (r.log || []).slice().reverse();
      const more =
        at.next && limit < 100
          ? el(
              'div',
              { class: 'pager' },
              el('span', {}),
              el('button', { class: 'btn quiet', onclick: () => ((limit = 100), ctx.refresh()) }, 'Show the last 100'),
            )
          : null;
      root.append(
        el(
          'div',
          { class: 'view-head' },
          el('div', { class: 'crumbs' }, el('a', { href: '#/integrations' }, 'Integrations'), ' / '),
          el('h2', {}, r.name, ' ', badge(r.health), ' ', stateCell(r, true)),
          r.description ? el('p', { class: 'muted' }, r.description) : null,
          el(
            'div',
            { class: 'toolbar' },
            el(
              'button',
              {
                class: `btn ${r.paused ? 'primary' : ''}`,
                'data-testid': r.paused ? 'resume' : 'pause',
                onclick: () => pauseOrResume(r, refresh).catch((e) => toast(e.message, 'error')),
              },
              r.paused || (!r.enabled && r.delivery_type !== 'journal') ? 'Resume…' : 'Pause…',
            ),
            el(
              'button',
              { class: 'btn quiet', onclick: () => editEndDate(r, refresh).catch((e) => toast(e.message, 'error')) },
              'End date…',
            ),
            el('a', { class: 'btn quiet', href: `#/events?registration=${r.registration_id}` }, 'Events'),
            el(
              'a',
              { class: 'btn quiet', href: `#/rejected?registration=${r.registration_id}` },
              `Rejected & dead-lettered (${c.failed})`,
            ),
          ),
        ),
        el(
          'div',
          { class: 'cards' },
          el(
            'dl',
            { class: 'facts card' },
            el('dt', {}, 'Target'),
            el('dd', {}, target(r)),
            el('dt', {}, 'Delivery'),
            el('dd', {}, r.delivery_type),
            el('dt', {}, 'Registration id'),
            el('dd', { class: 'mono' }, r.registration_id),
            el('dt', {}, 'Events'),
            el('dd', {}, interests(r)),
            el('dt', {}, 'End date'),
            el('dd', {}, r.endsAt ? `${fmtFull(r.endsAt)} (${fmtAgo(r.endsAt)})` : 'none (permanent)'),
            el('dt', {}, 'Deliveries'),
            el('dd', {}, `${c.delivered} delivered · ${c.retrying} retrying · ${c.failed} failed · ${c.held} held`),
          ),
          el('div', { class: 'card chart-card' }, chart(st.series || [])),
        ),
        el('h3', {}, 'Start / stop log'),
        el(
          'table',
          { class: 'grid', 'data-testid': 'registration-log' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Time'), el('th', {}, 'Action'), el('th', {}, 'Reason'))),
          el(
            'tbody',
            {},
            log.length === 0
              ? el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'nothing yet'))
              : log.map((l) =>
                  el(
                    'tr',
                    { 'data-testid': 'log-row', 'data-action': l.action },
                    el('td', { title: fmtFull(l.at), class: 'nowrap' }, fmtTime(l.at)),
                    el('td', {}, el('span', { class: `badge b-log-${l.action}` }, l.action)),
                    el('td', {}, l.reason || ''),
                  ),
                ),
          ),
        ),
        el(
          'h3',
          {},
          'Recent deliveries ',
          el(
            'span',
            { class: 'seg' },
            [
              ['', 'all'],
              ['success', 'successful'],
              ['failure', 'failed'],
            ].map(([v, label]) =>
              el(
                'button',
                {
                  class: `btn small ${outcome === v ? 'on' : 'quiet'}`,
                  onclick: () => {
                    outcome = v;
                    ctx.refresh();
                  },
                },
                label,
              ),
            ),
          ),
        ),
        el(
          'table',
          { class: 'grid', 'data-testid': 'attempts' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Time', 'Event', 'Entity id', 'Attempt', 'Outcome', 'Response', 'Duration'].map((t) => el('th', {}, t)),
            ),
          ),
          el(
            'tbody',
            {},
            at.attempts.length === 0
              ? el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'no deliveries yet'))
              : at.attempts.map((a) =>
                  el(
                    'tr',
                    { class: 'clickable', onclick: () => (location.hash = `#/events/${a.eventId}`) },
                    el('td', { class: 'nowrap', title: a.at }, fmtTime(a.at)),
                    el(
                      'td',
                      { class: 'mono' },
                      el(
                        'a',
                        { href: `#/events/${a.eventId}`, title: a.eventId },
                        info[a.eventId]?.type || short(a.eventId, 13),
                      ),
                    ),
                    el('td', { class: 'mono strong' }, info[a.eventId]?.entityId || ''),
                    el('td', { class: 'num' }, a.attempt),
                    el('td', {}, badge(a.outcome)),
                    el('td', {}, a.response ? String(a.response.status) : el('span', { class: 'bad' }, a.error || '')),
                    el('td', { class: 'num' }, fmtDuration(a.durationMs)),
                  ),
                ),
          ),
        ),
        more || '',
      );
    },
    live(kind, data) {
      return (
        kind === 'registration' ||
        (kind === 'delivery' && (!data || data.registrationId === id || data.registration === id))
      );
    },
  };
}
