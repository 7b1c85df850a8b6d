/**
 * The one workload every contender runs: the same message, the same five fields, the same pacing.
 */

export const MESSAGE = 'request handled';

const ROUTES = ['/api/orders', '/api/cart', '/api/users/:id', '/healthz'];

/** The five fields of call `i`: a string, two ints, a double and a bool, like a typical access log. */
export function fieldsFor(i) {
  return {
    route: ROUTES[i & 3],
    status: i % 50 === 0 ? 500 : 200,
    requestId: i,
    durationMs: 3.25 + (i % 97) * 0.5,
    cached: (i & 1) === 0,
  };
}

/** (a) burst: `records` synchronous calls in one go. */
export function runBurst(logger, records) {
  for (let i = 0; i < records; i++) logger.info(MESSAGE, fieldsFor(i));
  return records;
}

/**
 * (b)/(c) steady: `rate` calls per second for `seconds`, issued from a timer every `tickMs` as
 * "whatever is due by now", so a late tick catches up the way a backlogged app would.
 * Resolves with the number of calls made.
 */
export function runSteady(logger, { rate, seconds, tickMs = 5, now }) {
  const total = Math.round(rate * seconds);
  const t0 = now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - t0) * rate) / 1000));
      while (sent < due) {
        logger.info(MESSAGE, fieldsFor(sent));
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve(sent);
      }
    };
    const timer = setInterval(tick, tickMs);
  });
}
