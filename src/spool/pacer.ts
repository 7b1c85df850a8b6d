/**
 * Replay pacing: a token bucket on requests and bytes, so a backlog drains at a bounded rate
 * and does not starve fresh batches or flatten a backend that just came back.
 */

export interface ReplayPacer {
  /** Milliseconds to wait before a replay of `bytes` may be sent (0 = now). Takes the tokens when 0. */
  delayFor(bytes: number): number;
  /** Waits until a replay of `bytes` may be sent, then takes the tokens. Resolves false if aborted. */
  wait(bytes: number, signal?: AbortSignal): Promise<boolean>;
  /** Holds replay back until `untilMs` (a `Retry-After`). */
  pause(untilMs: number): void;
}

export function createReplayPacer(
  rate: { requestsPerSecond: number; bytesPerSecond: number },
  now: () => number = Date.now,
): ReplayPacer {
  // Bursts of one second's worth; a single batch larger than that still goes, after a wait.
  const reqCap = Math.max(1, rate.requestsPerSecond);
  const byteCap = Math.max(1, rate.bytesPerSecond);
  let reqTokens = reqCap;
  let byteTokens = byteCap;
  let last = now();
  let pausedUntil = 0;

  const refill = () => {
    const t = now();
    const dt = Math.max(0, t - last) / 1000;
    last = t;
    reqTokens = Math.min(reqCap, reqTokens + dt * rate.requestsPerSecond);
    byteTokens = Math.min(byteCap, byteTokens + dt * rate.bytesPerSecond);
  };

  const delayFor = (bytes: number): number => {
    refill();
    const t = now();
    if (t < pausedUntil) return pausedUntil - t;
    const needBytes = Math.min(bytes, byteCap);
    const waitReq = reqTokens >= 1 ? 0 : ((1 - reqTokens) / rate.requestsPerSecond) * 1000;
    const waitBytes = byteTokens >= needBytes ? 0 : ((needBytes - byteTokens) / rate.bytesPerSecond) * 1000;
    const wait = Math.ceil(Math.max(waitReq, waitBytes));
    if (wait === 0) {
      reqTokens -= 1;
      byteTokens -= needBytes;
    }
    return wait;
  };

  return {
    delayFor,
    async wait(bytes, signal) {
      for (;;) {
        if (signal?.aborted) return false;
        const d = delayFor(bytes);
        if (d === 0) return true;
        const ok = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve(true);
          }, d);
          const onAbort = () => {
            clearTimeout(timer);
            resolve(false);
          };
          signal?.addEventListener('abort', onAbort, { once: true });
        });
        if (!ok) return false;
      }
    },
    pause(untilMs) {
      pausedUntil = Math.max(pausedUntil, untilMs);
    },
  };
}
