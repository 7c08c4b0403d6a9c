// Small DOM helpers shared by the console's views (no framework: the page is small and
// every view re-renders its own section from fresh data).

/** el('div', {class: 'x', onclick: fn}, child, 'text', [more]) */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'html') node.innerHTML = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
}

export function svgEl(tag, attrs, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** "14:03:07.123" (today) or "Nov 23 14:03:07" */
export function fmtTime(t) {
  if (t === null || t === undefined || t === '') return '';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleString('en', { month: 'short' })} ${d.getDate()} ${time}`;
}

export function fmtFull(t) {
  if (!t && t !== 0) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

export function fmtAgo(t) {
  const ms = Date.now() - new Date(t).getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 0) return `in ${fmtDuration(-ms)}`;
  return `${fmtDuration(ms)} ago`;
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function short(id, n = 8) {
  if (!id) return '';
  return id.length > n + 1 ? `${id.slice(0, n)}…` : id;
}

/** the words the console uses for statuses (the API's `dead` is the dead letter) */
export const STATUS_LABELS = {
  received: 'received',
  unrouted: 'unrouted (no registration)',
  pending: 'pending',
  in_flight: 'in flight',
  held: 'held (paused)',
  retrying: 'retrying',
  delivered: 'delivered',
  rejected: 'rejected',
  dead: 'dead-lettered',
  dropped: 'dropped',
  success: 'success',
  retry: 'retry',
  final: 'final',
  ACTIVE: 'ACTIVE',
  UNSTABLE: 'UNSTABLE',
  DISABLED: 'DISABLED',
  'application error': 'application error',
  'action developer error': 'developer error',
  'whisk internal error': 'internal error',
};

export function badge(status, extra) {
  const key = String(status || 'unknown');
  return el(
    'span',
    { class: `badge b-${key.replace(/[^a-zA-Z0-9]+/g, '-')}`, title: extra || null, 'data-status': key },
    STATUS_LABELS[key] || key,
  );
}

/** pretty JSON when the text is JSON, else the text */
export function pretty(text) {
  if (text === null || text === undefined) return '';
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function headersTable(headers) {
  const rows = Object.entries(headers || {});
  if (rows.length === 0) return el('p', { class: 'muted' }, 'no headers');
  return el(
    'table',
    { class: 'kv' },
    el(
      'tbody',
      {},
      rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, String(v)))),
    ),
  );
}

export function codeBlock(text, cls) {
  const body = pretty(text);
  return el('pre', { class: `code ${cls || ''}` }, body === '' ? '(empty)' : body);
}

/**
 * A modal that asks for text (a reason) and resolves with it, or null when cancelled.
 * opts: {title, label, placeholder, required, confirm, value, type}
 */
export function ask(opts) {
  return new Promise((resolve) => {
    const input =
      opts.type === 'datetime-local'
        ? el('input', { type: 'datetime-local', name: 'value', value: opts.value || '', 'data-testid': 'dialog-input' })
        : el(
            'textarea',
            { name: 'value', rows: 3, placeholder: opts.placeholder || '', 'data-testid': 'dialog-input' },
            opts.value || '',
          );
    const err = el('p', { class: 'dialog-error', role: 'alert' });
    const extra = opts.extraButton
      ? el(
          'button',
          {
            type: 'button',
            class: 'btn quiet',
            'data-testid': 'dialog-extra',
            onclick: () => done(opts.extraButton.value),
          },
          opts.extraButton.label,
        )
      : null;
    const dialog = el(
      'dialog',
      { class: 'dialog', 'data-testid': 'dialog' },
      el(
        'form',
        { method: 'dialog' },
        el('h3', {}, opts.title),
        opts.text ? el('p', { class: 'muted' }, opts.text) : null,
        el('label', {}, opts.label, input),
        err,
        el(
          'div',
          { class: 'dialog-buttons' },
          extra,
          el(
            'button',
            { type: 'button', class: 'btn quiet', 'data-testid': 'dialog-cancel', onclick: () => done(null) },
            'Cancel',
          ),
          el('button', { type: 'submit', class: 'btn primary', 'data-testid': 'dialog-confirm' }, opts.confirm || 'OK'),
        ),
      ),
    );
    let settled = false;
    function done(v) {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(v);
    }
    dialog.querySelector('form').addEventListener('submit', (e) => {
      e.preventDefault();
      const v = input.value.trim();
      if (opts.required && v === '') {
        err.textContent = `${opts.label} is required`;
        input.focus();
        return;
      }
      done(v);
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(null);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    input.focus();
  });
}

let toastTimer;
export function toast(message, kind) {
  let t = document.getElementById('toast');
  if (!t) {
    t = el('div', { id: 'toast', role: 'status', 'data-testid': 'toast' });
    document.body.appendChild(t);
  }
  t.className = `toast show ${kind || ''}`;
  t.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.className = 'toast'), 4000);
}

/** <select> with options [{value, label}] or strings */
export function select(attrs, options, value) {
  return el(
    'select',
    attrs,
    options.map((o) => {
      const opt = typeof o === 'string' ? { value: o, label: o } : o;
      return el('option', { value: opt.value, selected: opt.value === (value ?? '') }, opt.label);
    }),
  );
}

/** datetime-local value for an epoch/ISO time, in the browser's zone */
export function toLocalInput(t) {
  if (!t) return '';
  const d = new Date(/^\d+$/.test(String(t)) ? Number(t) : t);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
