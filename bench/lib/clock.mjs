/**
 * One wall clock for every benchmark process (harness, receiver, contenders): epoch milliseconds
 * with sub-millisecond resolution. Processes on one machine agree on it to well under a millisecond,
 * so "app started the burst" and "receiver got the last record" can be subtracted across processes.
 */
import { performance } from 'node:perf_hooks';

export function nowMs() {
  return performance.timeOrigin + performance.now();
}
