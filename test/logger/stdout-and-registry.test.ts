import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentDiag } from '../../src/diag.js';
import { createLogger, LevelRegistry, withStdoutMirror } from '../../src/logger/index.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { captureLogger, createCapture } from '../helpers/record-capture.js';

let receiver: TestReceiver | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await receiver?.close();
  receiver = undefined;
});

describe('stdout mirror', () => {
  it('writes one JSON line per record and still hands the record to the sink', () => {
    const inner = createCapture();
    const lines: string[] = [];
    const sink = withStdoutMirror(inner, 'json', silentDiag, (l) => lines.push(l));
    sink.write(captureRecord());
    expect(inner.records).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', msg: 'hello', password: '[REDACTED]' });
  });

  it('a throwing line writer costs a diagnostic, not the record', () => {
    const inner = createCapture();
    const warnings: string[] = [];
    const diag = { ...silentDiag, warn: (cause: string) => warnings.push(cause) };
    const sink = withStdoutMirror(inner, 'pretty', diag, () => {
      throw new Error('EPIPE');
    });
    sink.write(captureRecord());
    expect(inner.records).toHaveLength(1);
    expect(warnings).toEqual(['stdout-mirror']);
  });

  it('createLogger mirrors to process.stdout when asked, and also exports', async () => {
    receiver = await startReceiver();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = createLogger({ endpoint: receiver.endpoint, stdout: 'json', env: {}, diagnostics: false });
    log.warn('mirrored', { n: 1 });
    await log.shutdown({ timeoutMs: 5000 });
    const lines = write.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('mirrored'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', msg: 'mirrored', n: 1 });
    expect(receiver.records().map((r) => r.body)).toEqual(['mirrored']);
  });

  it('createLogger does not touch stdout when an endpoint is configured and stdout is not asked for', async () => {
    receiver = await startReceiver();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = createLogger({ endpoint: receiver.endpoint, env: {}, diagnostics: false });
    log.info('quiet');
    await log.shutdown({ timeoutMs: 5000 });
    expect(write.mock.calls.filter((c) => String(c[0]).includes('quiet'))).toHaveLength(0);
    expect(receiver.records()).toHaveLength(1);
  });
});

function captureRecord() {
  const { log, sink } = captureLogger();
  log.info('hello', { password: 'p' });
  return sink.records[0];
}

describe('level registry (hook for run-time control by logger name)', () => {
  it('an override by name reaches that logger and all its children at once', () => {
    const { log, sink } = captureLogger();
    // The registry is shared through the logger core; log.setLevel(level, { logger }) sets it.
    const http = log.child({}, { name: 'http' });
    const perRequest = http.child({ req: 1 });
    const db = log.child({}, { name: 'db' });
    log.setLevel('debug', { logger: 'http' });
    perRequest.debug('shown');
    db.debug('hidden');
    log.debug('hidden');
    // Besides the one DEBUG record, setLevel announces the change at INFO.
    const debug = sink
      .decoded()
      .flatMap((r, i) => (r.severityText === 'DEBUG' ? [sink.records[i].scope.name] : []));
    expect(debug).toEqual(['http']);
    log.setLevel(null, { logger: 'http' });
    expect(perRequest.level).toBe('info');
    log.level = 'error';
    expect(db.level).toBe('error');
    expect(perRequest.level).toBe('error');
  });

  it('bumps a generation on every change', () => {
    const r = new LevelRegistry({ base: 'info', named: {} }, () => {}, silentDiag);
    const g = r.generation;
    r.setNamed('a', 'warn');
    r.base = 'debug';
    r.touch();
    expect(r.generation).toBe(g + 3);
    expect(r.override('a')).toBe('warn');
    // the override covers `a` and the names below it, no other
    expect(r.override('a.b')).toBe('warn');
    expect(r.override('ab')).toBeUndefined();
  });
});
