// The console's calls: the events module's local API (/events/_local/...) and the
// console's own endpoints (/console/api/...). Errors carry the server's message.

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const msg = (data && (data.message || data.error)) || `${method} ${url} answered ${res.status}`;
    throw new ApiError(res.status, msg, data && data.field);
  }
  return data;
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

const EV = '/events/_local';

export const api = {
  overview: () => call('GET', '/console/api/overview'),
  registrations: () => call('GET', `${EV}/registrations`),
  registration: (id) => call('GET', `${EV}/registrations/${encodeURIComponent(id)}`),
  attempts: (id, q) => call('GET', `${EV}/registrations/${encodeURIComponent(id)}/attempts${qs(q)}`),
  stats: (id, minutes = 60) => call('GET', `${EV}/registrations/${encodeURIComponent(id)}/stats${qs({ minutes })}`),
  pause: (id, reason) => call('POST', `${EV}/registrations/${encodeURIComponent(id)}/pause`, { reason }),
  resume: (id, reason) => call('POST', `${EV}/registrations/${encodeURIComponent(id)}/resume`, { reason }),
  endDate: (id, endsAt) => call('POST', `${EV}/registrations/${encodeURIComponent(id)}/end-date`, { endsAt }),
  events: (q) => call('GET', `${EV}/events${qs(q)}`),
  event: (id) => call('GET', `${EV}/events/${encodeURIComponent(id)}`),
  replayOne: (id, registration) =>
    call('POST', `${EV}/events/${encodeURIComponent(id)}/replay`, registration ? { registration } : {}),
  replay: (body) => call('POST', `${EV}/replay`, body),
  /** only the rejected / dead-lettered deliveries (not the delivered ones) */
  replayFailed: (body) => call('POST', '/console/api/replay-failed', body),
  lastAttempts: (eventIds) => call('GET', `/console/api/last-attempts${qs({ eventIds: eventIds.join(',') })}`),
  activations: (q) => call('GET', `/console/api/activations${qs(q)}`),
  activation: (id) => call('GET', `/console/api/activations/${encodeURIComponent(id)}`),
  entityTimeline: (entity) => call('GET', `/console/api/entity-timeline${qs({ entity })}`),
};
