/**
 * Replay pacing: a token bucket on requests and bytes, so a backlog drains at a bounded rate
 * and does not starve fresh batches or flatten a backend that just came back.
 */
import type { SpoolConfig } from './options.js';

type ReplayRate = Pick<SpoolConfig, 'requestsPerSecond' | 'bytesPerSecond'>;

export class ReplayPacer {
  readonly #rate: ReplayRate;
  readonly #now: () => number;
  // Bursts of one second's worth; a single batch larger than that still goes, after a wait.
  readonly #reqCap: number;
  readonly #byteCap: number;
  #reqTokens: number;
  #byteTokens: number;
  #last: number;

  constructor(rate: ReplayRate, now: () => number = Date.now) {
    this.#rate = rate;
    this.#now = now;
    this.#reqCap = Math.max(1, rate.requestsPerSecond);
    this.#byteCap = Math.max(1, rate.bytesPerSecond);
    this.#reqTokens = this.#reqCap;
    this.#byteTokens = this.#byteCap;
    this.#last = now();
  }

  /** Milliseconds to wait before a replay of `bytes` may be sent (0 = now). Takes the tokens when 0. */
  delayFor(bytes: number): number {
    this.#refill();
    const rate = this.#rate;
    const needBytes = Math.min(bytes, this.#byteCap);
    const waitReq = this.#reqTokens >= 1 ? 0 : ((1 - this.#reqTokens) / rate.requestsPerSecond) * 1000;
    const waitBytes =
      this.#byteTokens >= needBytes ? 0 : ((needBytes - this.#byteTokens) / rate.bytesPerSecond) * 1000;
    const wait = Math.ceil(Math.max(waitReq, waitBytes));
    if (wait === 0) {
      this.#reqTokens -= 1;
      this.#byteTokens -= needBytes;
    }
    return wait;
  }

  #refill(): void {
    const t = this.#now();
    const dt = Math.max(0, t - this.#last) / 1000;
    this.#last = t;
    this.#reqTokens = Math.min(this.#reqCap, this.#reqTokens + dt * this.#rate.requestsPerSecond);
    this.#byteTokens = Math.min(this.#byteCap, this.#byteTokens + dt * this.#rate.bytesPerSecond);
  }
}
