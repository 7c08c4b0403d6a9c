// One entity's timeline across both directions: every event of the entity id (back office →
// Commerce and Commerce → back office) in time order, with what the handler did: applied
// (and what it wrote), or stopped as our own echo by the loop breaker (and why).
import { api, qs } from './api.js';
import { badge, el, fmtTime, short } from './ui.js';

const OUTCOME_LABELS = {
  applied: 'applied',
  'echo-stopped': 'echo stopped by the loop breaker',
  skipped: 'skipped',
  failed: 'failed',
  'in-progress': 'in progress',
};

function entityForm(ctx, entity) {
  const form = el(
    'form',
    { class: 'filters', 'data-testid': 'entity-form' },
    el(
      'label',
      {},
      'Entity id',
      el('input', {
        name: 'entity',
        value: entity || '',
        placeholder: 'sku, email, order id…',
        'data-testid': 'entity-input',
        size: 24,
      }),
    ),
    el(
      'div',
      { class: 'filter-buttons' },
      el('button', { type: 'submit', class: 'btn primary', 'data-testid': 'entity-show' }, 'Show timeline'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate('entity', { entity: new FormData(form).get('entity') });
  });
  return form;
}

function row(item) {
  return el(
    'li',
    {
      class: `entity-item dir-${item.direction} out-${item.outcome}`,
      'data-testid': 'entity-item',
      'data-direction': item.direction,
      'data-outcome': item.outcome,
    },
    el('span', { class: 'mono muted' }, fmtTime(item.at)),
    ' ',
    el('strong', { class: 'entity-dir' }, item.directionLabel),
    ' ',
    el('a', { class: 'mono', href: `#/events/${encodeURIComponent(item.eventId)}` }, item.type),
    ' ',
    badge(item.status),
    ' ',
    el(
      'span',
      { class: 'entity-outcome', 'data-testid': 'entity-outcome' },
      OUTCOME_LABELS[item.outcome] || item.outcome,
    ),
    item.why ? el('div', { class: 'entity-why', 'data-testid': 'entity-why' }, item.why) : null,
    item.handlerActivation
      ? el(
          'a',
          { class: 'mono muted', href: `#/activations/${encodeURIComponent(item.handlerActivation)}` },
          `handler ${short(item.handlerActivation)}`,
        )
      : null,
  );
}

export function entityView(ctx, params) {
  const entity = (params.entity || '').trim();
  return {
    title: entity ? `Entity ${entity}` : 'Entity timeline',
    async render(root) {
      root.append(
        el('div', { class: 'view-head' }, el('h2', {}, 'Entity timeline')),
        el(
          'p',
          { class: 'muted' },
          'Both directions for one entity id: back office → Commerce and Commerce → back office, ',
          'with the echoes of our own writes the loop breaker stopped, and why.',
        ),
        entityForm(ctx, entity),
      );
      if (!entity) return;
      const data = await api.entityTimeline(entity);
      if (data.items.length === 0) {
        root.append(el('p', { class: 'muted pad', 'data-testid': 'entity-empty' }, `No events for ${entity} yet.`));
        return;
      }
      root.append(
        el('ol', { class: 'entity-timeline', 'data-testid': 'entity-timeline' }, data.items.map(row)),
        el('a', { class: 'btn quiet', href: `#/events${qs({ entity })}` }, 'These events in the events list'),
      );
    },
    live(kind) {
      return Boolean(entity) && (kind === 'event' || kind === 'delivery' || kind === 'activation');
    },
  };
}
