#!/usr/bin/env node
/**
 * Open-loop HTTP load for bench/tail.mjs --http, in its own process so its CPU is not the
 * server's: `node bench/lib/http-load.mjs <origin> <rate> <seconds> <first-id>`.
 *
 * Every 5 ms it issues the requests due by then (`GET /orders/<id>`, ids counting up from
 * <first-id>) over a keep-alive pool, so a slow server gets requests piling up (its event-loop
 * delay grows) rather than a lower rate. Prints one JSON line: requests sent, answered by
 * status, failed, and the wall time.
 */
import { Pool } from 'undici';

const [origin, rateArg, secondsArg, firstArg] = process.argv.slice(2);
const rate = Number(rateArg);
const total = Math.round(rate * Number(secondsArg));
let id = Number(firstArg);
const pool = new Pool(origin, { connections: 64, keepAliveTimeout: 30_000 });
const byStatus = {};
let failed = 0;
const pending = [];
const t0 = performance.now();
let issued = 0;
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    for (; issued < due; issued++) {
      const path = `/orders/${id++}`;
      pending.push(
        pool.request({ path, method: 'GET' }).then(
          async (res) => {
            byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
            await res.body.dump();
          },
          () => {
            failed += 1;
          },
        ),
      );
    }
    if (issued >= total) {
      clearInterval(timer);
      resolve();
    }
  }, 5);
});
await Promise.all(pending);
await pool.close();
console.log(JSON.stringify({ sent: issued, byStatus, failed, wallMs: performance.now() - t0 }));
