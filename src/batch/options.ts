import { InvalidOptionError } from '../errors.js';

/** Batch cutting: a batch is sent when any limit is reached. */
export interface BatchOptions {
  /** Records per batch. Default 512. */
  maxRecords?: number;
  /** Encoded bytes per batch. Default 1 MiB. */
  maxBytes?: number;
  /** Longest a record waits for its batch to fill, in ms. Default 1000. */
  maxDelayMs?: number;
}

export interface BatchConfig {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxDelayMs: number;
}

export function positiveInt(value: unknown, option: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(option, value, `an integer >= ${min}`);
  }
  return value;
}

export function resolveBatchOptions(options: BatchOptions | undefined): BatchConfig {
  const o = options ?? {};
  return Object.freeze({
    maxRecords: positiveInt(o.maxRecords, 'batch.maxRecords', 512),
    maxBytes: positiveInt(o.maxBytes, 'batch.maxBytes', 1024 * 1024),
    maxDelayMs: positiveInt(o.maxDelayMs, 'batch.maxDelayMs', 1000, 0),
  });
}
