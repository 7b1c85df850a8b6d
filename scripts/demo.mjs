#!/usr/bin/env node
// `npm run demo`: starts podlog's local receiver, runs examples/basic/app.ts against it, prints
// every record that arrives, and exits 0 only if all expected records arrived.
//
// Runs from source through tsx (a devDependency): it works right after `npm ci`, with no build.
// The demo is a list of phases; each starts the app (or more) against the receiver and checks
// what arrived. Later phases (an outage with spool and replay) plug in at PHASES below.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const root = resolve(import.meta.dirname, '..');
const { startReceiver } = await import('../src/testing/receiver.ts');

const color = Boolean(process.stdout.isTTY);
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);

/** Runs a TypeScript file from source with `env` added; resolves with its exit code. */
export function runApp(file, env = {}) {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/** Phase 1: the basic app's records, all of them, with their structure intact. */
async function basicPhase({ endpoint, records }) {
  console.log(bold('\n▶ examples/basic: a few varied records\n'));
  const code = await runApp('examples/basic/app.ts', {
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: 'demo-shop',
  });
  const byBody = (body) => records.find((r) => r.body === body);
  const checks = [
    ['the app exited cleanly', code === 0],
    ['structured fields', byBody('service started')?.attributes.port === 8080],
    ['child logger bindings', byBody('order placed')?.attributes.requestId === 'req-7f3a'],
    ['nested values', byBody('order placed')?.attributes.items?.[0]?.sku === 'TEA-GREEN'],
    ['a warning', byBody('payment provider slow')?.severityText === 'WARN'],
    [
      'an error with its stack',
      /SyntaxError/.test(byBody('could not read the saved cart')?.attributes['exception.stacktrace'] ?? ''),
    ],
    ['an event', records.some((r) => r.eventName === 'checkout.completed')],
    [
      'service.name on every record',
      records.length > 0 && records.every((r) => r.resource['service.name'] === 'demo-shop'),
    ],
  ];
  return checks;
}

/** Bytes and files under `dir`, recursively. */
function du(dir) {
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const st = statSync(join(dir, String(name)));
    if (st.isFile()) {
      bytes += st.size;
      files++;
    }
  }
  return { bytes, files };
}

/**
 * Phase 2: an outage. The backend is down while the app logs; the records wait in the spool on
 * disk; the backend comes back on the same address, a new app process replays the spool, and
 * every record arrives.
 */
async function outagePhase() {
  const count = 2000;
  console.log(bold(`\n▶ examples/outage: backend down, ${count} records spooled to disk, then replayed\n`));
  const spoolDir = mkdtempSync(join(tmpdir(), 'podlog-demo-spool-'));
  const seen = new Set();
  let replayed = 0;
  // Reserve an address, then close it: the "backend" is down.
  const probe = await startReceiver({ port: 0, write: () => {} });
  const port = new URL(probe.endpoint).port;
  await probe.close();
  const endpoint = `http://127.0.0.1:${port}/v1/logs`;
  try {
    const env = {
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: endpoint,
      PODLOG_SPOOL_DIR: spoolDir,
      DEMO_COUNT: String(count),
    };
    const downCode = await runApp('examples/outage/app.ts', { ...env, DEMO_MODE: 'down' });
    const onDisk = du(spoolDir);
    console.log(
      `  spool on disk: ${onDisk.files} files, ${(onDisk.bytes / 1024).toFixed(0)} KiB in ${spoolDir}`,
    );
    console.log('  backend comes back…');
    const backend = await startReceiver({
      port: Number(port),
      write: () => {},
      onRecord: (r) => {
        if (r.attributes.phase === 'outage') {
          seen.add(r.attributes.seq);
          replayed++;
        }
      },
    });
    let upCode;
    try {
      upCode = await runApp('examples/outage/app.ts', { ...env, DEMO_MODE: 'up' });
    } finally {
      await backend.close();
    }
    console.log(
      `  receiver: ${seen.size} of ${count} outage records arrived (${replayed - seen.size} duplicates)`,
    );
    return [
      ['the outage app exited cleanly', downCode === 0],
      ['records were kept on disk during the outage', onDisk.bytes > 0],
      ['the recovery app exited cleanly', upCode === 0],
      [`all ${count} outage records arrived after the backend returned`, seen.size === count],
    ];
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

// Phases run in order. Each is `async ({ endpoint, records, receiver, runApp }) => [[label, ok], ...]`.
const PHASES = [basicPhase, outagePhase];

const records = [];
const receiver = await startReceiver({
  onRecord: (r) => records.push(r),
  keepRecords: false,
  color,
  write: (line) => process.stdout.write(`${line}\n`),
});
console.log(`podlog receive: listening on ${receiver.endpoint}`);
let failed = 0;
try {
  for (const phase of PHASES) {
    const checks = await phase({ endpoint: receiver.endpoint, records, receiver, runApp });
    console.log('');
    for (const [label, ok] of checks) {
      console.log(`  ${ok ? '✓' : '✗'} ${label}`);
      if (!ok) failed++;
    }
  }
} finally {
  await receiver.close();
}
console.log(
  failed === 0
    ? bold(`\ndemo ok: every check passed`)
    : bold(`\ndemo FAILED: ${failed} check(s) did not pass`),
);
process.exitCode = failed === 0 ? 0 : 1;
