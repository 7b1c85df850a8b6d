/**
 * The batching pipeline: takes encoded records, cuts batches by count, bytes and delay, and
 * hands them to the exporter. (Thin first version: the bounded queue, overflow policy and
 * spool hand-off grow here.)
 */
import { randomUUID } from 'node:crypto';
import type { Diag } from '../diag.js';
import type { Exporter } from '../export/types.js';
import { encodeRequest } from '../otlp/encode-request.js';
import type { EncodedRecord } from '../record/types.js';
import type { Counters, StatsSnapshot } from '../stats.js';
import type { BatchConfig } from './options.js';
import type { RecordSink } from './types.js';

export interface PipelineDeps {
  batch: BatchConfig;
  exporter: Exporter;
  counters: Counters;
  diag: Diag;
}

export function createPipeline({ batch, exporter, counters, diag }: PipelineDeps): RecordSink {
  let pending: EncodedRecord[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  function cut(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const records = pending;
    pending = [];
    pendingBytes = 0;
    const body = encodeRequest(records);
    const p = exporter
      .export({ id: randomUUID(), count: records.length, body })
      .then((outcome) => {
        counters.queued -= records.length;
        counters.exported += outcome.exported;
        for (const [reason, n] of Object.entries(outcome.dropped)) counters.drop(reason as never, n ?? 0);
        for (const b of outcome.undelivered) counters.drop('retries_exhausted', b.count);
      })
      .catch((err) => diag.error('pipeline', `unexpected export error: ${(err as Error).message}`))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  return {
    write(record) {
      if (closed) {
        counters.drop('after_shutdown', 1);
        return;
      }
      counters.accepted++;
      counters.queued++;
      pending.push(record);
      pendingBytes += record.bytes.length;
      if (pending.length >= batch.maxRecords || pendingBytes >= batch.maxBytes) cut();
      else if (!timer) {
        timer = setTimeout(cut, batch.maxDelayMs);
        timer.unref();
      }
    },
    get pressure() {
      return 0;
    },
    async drained() {},
    async flush() {
      cut();
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    async shutdown() {
      if (closed) return;
      await this.flush();
      closed = true;
      await exporter.close();
    },
    exitSync() {},
    stats(): StatsSnapshot {
      return counters.snapshot({
        records: pending.length,
        bytes: pendingBytes,
        maxRecords: Number.POSITIVE_INFINITY,
        maxBytes: Number.POSITIVE_INFINITY,
        fill: 0,
      });
    },
  };
}
