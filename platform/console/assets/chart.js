// A registration's last hour as inline SVG: deliveries per minute (success stacked on
// failure, bars, left axis) and latency p50 / p99 (lines, right axis). Written by hand:
// one small chart does not need a charting library and its bundle.
import { svgEl, el, fmtDuration } from './ui.js';

const MINUTE = 60_000;

/** fill the last `minutes` minutes (oldest first) from the API's sparse series */
export function bucketize(series, minutes = 60, now = Date.now()) {
  const end = Math.floor(now / MINUTE) * MINUTE;
  const byMinute = new Map(series.map((s) => [new Date(s.minute).getTime(), s]));
  const out = [];
  for (let i = minutes - 1; i >= 0; i--) {
    const t = end - i * MINUTE;
    const s = byMinute.get(t);
    out.push({
      t,
      success: s ? s.success : 0,
      failure: s ? s.failure : 0,
      p50: s ? s.p50 : null,
      p99: s ? s.p99 : null,
    });
  }
  return out;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** compact: a sparkline for table rows; otherwise the full chart with axes and legend */
export function chart(series, opts = {}) {
  const compact = !!opts.compact;
  const data = bucketize(series, opts.minutes || 60);
  const W = compact ? 160 : 720;
  const H = compact ? 34 : 200;
  const padL = compact ? 0 : 40;
  const padR = compact ? 0 : 56;
  const padT = compact ? 2 : 12;
  const padB = compact ? 2 : 26;
  const iw = W - padL - padR;
  const ih = H - padT - padB;
  const maxCount = niceMax(Math.max(...data.map((d) => d.success + d.failure), 1));
  const maxLat = niceMax(Math.max(...data.map((d) => d.p99 || 0), 1));
  const bw = iw / data.length;
  const y = (v) => padT + ih - (v / maxCount) * ih;
  const yl = (v) => padT + ih - (v / maxLat) * ih;
  const parts = [];

  if (!compact) {
    for (const f of [0, 0.5, 1]) {
      const yy = padT + ih - f * ih;
      parts.push(svgEl('line', { x1: padL, x2: padL + iw, y1: yy, y2: yy, class: 'grid' }));
      parts.push(
        svgEl(
          'text',
          { x: padL - 6, y: yy + 4, 'text-anchor': 'end', class: 'axis' },
          String(Math.round(maxCount * f)),
        ),
      );
      parts.push(svgEl('text', { x: padL + iw + 6, y: yy + 4, class: 'axis' }, fmtDuration(maxLat * f)));
    }
    parts.push(svgEl('text', { x: padL, y: H - 6, class: 'axis' }, '−60 min'));
    parts.push(svgEl('text', { x: padL + iw / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis' }, '−30 min'));
    parts.push(svgEl('text', { x: padL + iw, y: H - 6, 'text-anchor': 'end', class: 'axis' }, 'now'));
    parts.push(
      svgEl(
        'text',
        { x: 4, y: padT + 4, class: 'axis', transform: `rotate(-90 4 ${padT + 4})`, 'text-anchor': 'end' },
        '',
      ),
    );
  }

  data.forEach((d, i) => {
    const x = padL + i * bw + (compact ? 0.5 : 1);
    const w = Math.max(1, bw - (compact ? 1 : 2));
    const tip = `${new Date(d.t).toLocaleTimeString()}: ${d.success} ok, ${d.failure} failed${d.p50 !== null ? `, p50 ${fmtDuration(d.p50)}, p99 ${fmtDuration(d.p99)}` : ''}`;
    if (d.success > 0)
      parts.push(
        svgEl(
          'rect',
          { x, y: y(d.success), width: w, height: padT + ih - y(d.success), class: 'bar-ok' },
          svgEl('title', {}, tip),
        ),
      );
    if (d.failure > 0) {
      const top = y(d.success + d.failure);
      parts.push(
        svgEl('rect', { x, y: top, width: w, height: y(d.success) - top, class: 'bar-fail' }, svgEl('title', {}, tip)),
      );
    }
  });

  if (!compact) {
    for (const [key, cls] of [
      ['p50', 'line-p50'],
      ['p99', 'line-p99'],
    ]) {
      let path = '';
      data.forEach((d, i) => {
        if (d[key] === null) return;
        const x = padL + i * bw + bw / 2;
        path += `${path === '' || data[i - 1]?.[key] === null || data[i - 1] === undefined ? 'M' : 'L'}${x.toFixed(1)},${yl(d[key]).toFixed(1)}`;
        parts.push(svgEl('circle', { cx: x, cy: yl(d[key]), r: 2.2, class: cls }));
      });
      if (path) parts.push(svgEl('path', { d: path, class: cls, fill: 'none' }));
    }
  }

  const svg = svgEl(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      class: compact ? 'spark' : 'chart',
      role: 'img',
      'aria-label': 'deliveries per minute and latency over the last hour',
      preserveAspectRatio: 'none',
    },
    parts,
  );
  if (compact) return svg;
  const total = data.reduce((a, d) => a + d.success + d.failure, 0);
  const failed = data.reduce((a, d) => a + d.failure, 0);
  return el(
    'figure',
    { class: 'chart-box', 'data-testid': 'chart' },
    el(
      'figcaption',
      {},
      el('strong', {}, 'Last hour'),
      ` ${total} attempts, ${failed} failed · `,
      el('span', { class: 'key key-ok' }),
      'success ',
      el('span', { class: 'key key-fail' }),
      'failure (per minute, left axis) ',
      el('span', { class: 'key key-p50' }),
      'p50 ',
      el('span', { class: 'key key-p99' }),
      'p99 latency (right axis)',
    ),
    svg,
  );
}
