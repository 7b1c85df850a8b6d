/** Builds a real exporter against a test server, with tiny backoffs and captured diagnostics. */
import { afterEach, beforeEach } from 'vitest';
import { createDiag } from '../../../src/diag.js';
import type { Env } from '../../../src/env.js';
import type { Transport } from '../../../src/export/index.js';
import { type ExportOptions, HttpExporter, resolveExportOptions } from '../../../src/export/index.js';
import { Counters } from '../../../src/stats.js';
import { type FaultServer, startFaultServer } from '../../helpers/fault-server.js';

export interface ExporterUnderTest {
  exporter: HttpExporter;
  counters: Counters;
  /** Every diagnostic line (no rate limit in tests). */
  lines: string[];
}

const open: HttpExporter[] = [];

/** Fast retry settings: attempts go out within milliseconds; no test waits on real backoff. */
export const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 4, maxElapsedMs: 10_000, maxAttempts: 5 };

export function makeExporter(
  options: ExportOptions,
  env: Env = {},
  extra: { transport?: Transport } = {},
): ExporterUnderTest {
  const config = resolveExportOptions({ ...options, retry: { ...FAST_RETRY, ...options.retry } }, env);
  const counters = new Counters();
  const lines: string[] = [];
  const diag = createDiag({ sink: (line) => lines.push(line), intervalMs: 0 });
  const exporter = new HttpExporter({ config, counters, diag, transport: extra.transport });
  open.push(exporter);
  return { exporter, counters, lines };
}

/** Closes every exporter made since the last call (afterEach). */
export async function closeExporters(): Promise<void> {
  await Promise.all(open.splice(0).map((e) => e.close()));
}

/**
 * Call inside a `describe`: a fresh fault server for each of its tests; after each, the
 * exporters made and the server are closed. Returns the current test's server.
 */
export function useFaultServer(): () => FaultServer {
  let server: FaultServer | undefined;
  beforeEach(async () => {
    server = await startFaultServer();
  });
  afterEach(async () => {
    await closeExporters();
    await server?.close();
    server = undefined;
  });
  return () => {
    if (!server) throw new Error('useFaultServer: no server outside a test');
    return server;
  };
}
