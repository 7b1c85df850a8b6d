/**
 * Markdown rendering of the benchmark results: one table per scenario (medians with min–max),
 * podlog's ratio to each peer, and the issue's targets checked against the medians.
 */
import { median, summarize } from './stats.mjs';

const METRICS = [
  { key: 'wallS', label: 'wall s (to last record)', digits: 2 },
  { key: 'tailS', label: 'tail s (last call → last record)', digits: 2 },
  { key: 'cpuS', label: 'CPU s', digits: 2 },
  { key: 'peakRssMb', label: 'peak RSS MB', digits: 0 },
  { key: 'eldP50', label: 'ELD p50 ms', digits: 2 },
  { key: 'eldP99', label: 'ELD p99 ms', digits: 2 },
  { key: 'eldMax', label: 'ELD max ms', digits: 1 },
];

const int = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, d) => (n === null ? '–' : n.toFixed(d));

function cell(s, digits) {
  if (s.n === 0) return '–';
  if (s.n === 1 || s.min === s.max) return fixed(s.median, digits);
  return `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

function deliveredCell(runs) {
  const d = summarize(runs.map((r) => r.delivered));
  const s = summarize(runs.filter((r) => r.ok).map((r) => r.sent));
  if (d.n === 0 || s.n === 0) return '–';
  const pct = (100 * d.median) / s.median;
  const pctText = pct === 100 ? '100%' : `${pct.toFixed(pct >= 99 ? 2 : 1)}%`;
  const range = d.min === d.max ? '' : ` (${int(d.min)}–${int(d.max)})`;
  // More than sent means records from another run reached the receiver: the figures are suspect.
  const extra = runs.some((r) => r.ok && r.delivered > r.sent) ? ' ⚠ more than sent' : '';
  return `${int(d.median)} / ${int(s.median)} = ${pctText}${range}${extra}`;
}

/** Medians per metric for one contender's runs. */
export function mediansOf(runs) {
  const ok = runs.filter((r) => r.ok);
  const out = {};
  for (const m of METRICS) out[m.key] = summarize(ok.map((r) => r[m.key])).median;
  const d = summarize(runs.map((r) => r.delivered)).median;
  const s = summarize(ok.map((r) => r.sent)).median;
  out.deliveredShare = d === null || !s ? null : d / s;
  return out;
}

/**
 * The results table of one scenario. `byContender`: Map name → run results; `references`: names
 * of rows that log nothing (the baseline), shown for their floor figures only.
 */
export function scenarioTable(byContender, references = new Set()) {
  const head = ['contender', 'delivered / sent', ...METRICS.map((m) => m.label)];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const [name, runs] of byContender) {
    const ok = runs.filter((r) => r.ok);
    const failed = runs.length - ok.length;
    const label = failed ? `${name} (${failed}/${runs.length} runs failed)` : name;
    const cells = METRICS.map((m) => cell(summarize(ok.map((r) => r[m.key])), m.digits));
    const delivered = references.has(name) ? '(no records)' : deliveredCell(runs);
    lines.push(`| ${label} | ${delivered} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const RATIO_METRICS = [
  { key: 'wallS', label: 'wall' },
  { key: 'cpuS', label: 'CPU' },
  { key: 'peakRssMb', label: 'peak RSS' },
  { key: 'eldP99', label: 'ELD p99' },
];

function ratio(a, b) {
  if (a === null || b === null || b === 0) return '–';
  return `${(a / b).toFixed(2)}x`;
}

/** podlog's median divided by each peer's median (lower is better for podlog). */
export function ratioTable(byContender, references = new Set(), self = 'podlog') {
  const mine = byContender.get(self);
  if (!mine) return '';
  const me = mediansOf(mine);
  const head = [`${self} ÷ peer`, ...RATIO_METRICS.map((m) => m.label), 'delivered share'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const [name, runs] of byContender) {
    if (name === self || references.has(name)) continue;
    const peer = mediansOf(runs);
    const cells = RATIO_METRICS.map((m) => ratio(me[m.key], peer[m.key]));
    lines.push(`| ${name} | ${cells.join(' | ')} | ${ratio(me.deliveredShare, peer.deliveredShare)} |`);
  }
  return lines.join('\n');
}

/**
 * The issue's targets, checked on medians of this run. `results`: Map scenario → Map contender → runs.
 * Returns markdown bullet lines.
 */
export function targetLines(results, { self = 'podlog', reference = 'otel-sdk-tuned' } = {}) {
  const out = [];
  const check = (ok, text) => out.push(`- ${ok === null ? 'n/a' : ok ? 'MET' : '**MISSED**'}: ${text}`);
  for (const [scenario, byContender] of results) {
    const mine = byContender.get(self);
    if (!mine) continue;
    const share = mediansOf(mine).deliveredShare;
    const minShare = Math.min(...mine.map((r) => (r.ok && r.sent ? r.delivered / r.sent : 0)));
    check(
      minShare >= 1,
      `${scenario}: ${self} delivers 100% in every run (median ${share === null ? '–' : (100 * share).toFixed(2)}%, worst ${(100 * minShare).toFixed(2)}%)`,
    );
  }
  const burst = results.get('burst');
  if (burst?.get(self) && burst.get(reference)) {
    const me = mediansOf(burst.get(self));
    const ref = mediansOf(burst.get(reference));
    for (const [key, label, limit] of [
      ['wallS', 'wall time', 0.35],
      ['cpuS', 'CPU', 0.5],
      ['peakRssMb', 'peak RSS', 0.6],
    ]) {
      const r = me[key] !== null && ref[key] ? me[key] / ref[key] : null;
      check(
        r === null ? null : r <= limit,
        `burst ${label} ≤ ${limit}x ${reference}: ${ratio(me[key], ref[key])}`,
      );
    }
  }
  const steady = results.get('steady');
  if (steady?.get(self)) {
    const me = mediansOf(steady.get(self));
    const ref = steady.get(reference) ? mediansOf(steady.get(reference)) : null;
    if (ref) {
      const r = me.eldP99 !== null && ref.eldP99 ? me.eldP99 / ref.eldP99 : null;
      check(
        r === null ? null : r <= 0.5,
        `steady ELD p99 ≤ 0.5x ${reference}: ${ratio(me.eldP99, ref.eldP99)}`,
      );
    }
    check(
      me.eldP99 === null ? null : me.eldP99 < 5,
      `steady ELD p99 < 5 ms absolute: ${fixed(me.eldP99, 2)} ms`,
    );
  }
  return out;
}

/**
 * podlog's own accounting at the end of its runs (`log.stats()`, medians), so a delivery gap can be
 * read against the reason podlog gives for it. Empty when the contender reports no stats.
 */
export function ownStatsLine(runs) {
  const own = runs.filter((r) => r.ok && r.own).map((r) => r.own);
  if (own.length === 0) return '';
  const m = (get) => median(own.map(get)) ?? 0;
  const parts = ['accepted', 'exported', 'queued', 'spooled'].map((k) => `${k} ${int(m((o) => o[k] ?? 0))}`);
  parts.push(`dropped ${int(m((o) => o.dropped?.total ?? 0))}`);
  const reasons = new Set(own.flatMap((o) => Object.keys(o.dropped ?? {}).filter((k) => k !== 'total')));
  const byReason = [...reasons]
    .map((k) => [k, m((o) => o.dropped?.[k] ?? 0)])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${int(n)}`);
  return `podlog's own accounting (\`log.stats()\` after shutdown, medians): ${parts.join(', ')}${byReason.length ? ` (${byReason.join(', ')})` : ''}.`;
}
