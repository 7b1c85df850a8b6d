/**
 * OTLP/HTTP exporter on an undici keep-alive pool.
 */
import { Pool } from 'undici';
import type { Diag } from '../diag.js';
import type { Counters } from '../stats.js';
import { VERSION } from '../version.js';
import type { ExportConfig } from './options.js';
import type { Batch, Exporter, ExportOutcome } from './types.js';

export interface HttpExporterDeps {
  config: ExportConfig;
  counters: Counters;
  diag: Diag;
}

export function createHttpExporter({ config, counters, diag }: HttpExporterDeps): Exporter {
  const pool = new Pool(config.endpoint.origin, { connections: 2, keepAliveTimeout: 30_000 });
  const path = config.endpoint.pathname + config.endpoint.search;
  let healthy = true;

  async function exportBatch(batch: Batch): Promise<ExportOutcome> {
    try {
      const res = await pool.request({
        path,
        method: 'POST',
        headers: {
          ...config.headers,
          'content-type': 'application/x-protobuf',
          'user-agent': `podlog/${VERSION}`,
          'podlog-batch-id': batch.id,
        },
        body: batch.body,
      });
      await res.body.dump();
      counters.bytesSent += batch.body.length;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        healthy = true;
        counters.requests++;
        return { exported: batch.count, dropped: {}, undelivered: [] };
      }
      diag.warn(
        `http-${res.statusCode}`,
        `export failed: HTTP ${res.statusCode} from ${config.endpoint.origin}`,
      );
      return { exported: 0, dropped: { rejected: batch.count }, undelivered: [] };
    } catch (err) {
      healthy = false;
      diag.warn(`net-${(err as NodeJS.ErrnoException).code}`, `export failed: ${(err as Error).message}`);
      return { exported: 0, dropped: {}, undelivered: [batch] };
    }
  }

  return {
    export: exportBatch,
    get healthy() {
      return healthy;
    },
    async close() {
      await pool.close();
    },
  };
}
