/**
 * What `platform start` says when it binds to an interface other than loopback: every
 * surface then answers the network, and the ones open to loopback callers without
 * credentials ask callers from elsewhere for the namespace key or a platform token.
 * docs/security.md describes each surface.
 */
import { isLoopback } from '../core/http';

/** True for 127.0.0.1, ::1, localhost and the rest of 127.0.0.0/8. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || isLoopback(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The warning to print when `host` is not a loopback address, else undefined. */
export function exposureWarning(host: string, port: number): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return [
    '',
    `WARNING: the platform listens on ${host}:${port}, not only on 127.0.0.1: anyone who can reach this`,
    'machine can reach every surface below. This is a development platform; do it only on a network you trust.',
    '  - web actions /api/v1/web/... (the ingestion webhook checks its own x-api-key or signature)',
    '  - Runtime REST /api/v1/namespaces/... and State /containers/... (namespace key)',
    '  - IMS /ims/token/v3 (the configured OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET pair)',
    '  - I/O Events /ingress and /events/... (a token of that client, x-api-key = its client id)',
    '  - events traces, replay, pause and live feed /events/_local/..., console /console/api/...,',
    '    failure switches /commerce/_control/fail and /backoffice/_control/fail, lookup stand-in',
    '    controls: open to loopback callers only; from elsewhere the namespace key (Basic auth) or a token',
    '  - Commerce and back-office stand-ins /commerce/rest/..., /backoffice/... (their own credentials)',
    '  - lookup stand-in reads /query/..., /commercetools/..., the console page /console, /healthz: no credentials',
    'Other machines must reach it by a name listed in PLATFORM_ALLOWED_HOSTS (any other Host: 403).',
    'Before binding to another host, read docs/security.md.',
    '',
  ].join('\n');
}
