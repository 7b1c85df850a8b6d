/**
 * Waiting on a condition in tests: poll it on the event loop and fail, naming what was awaited,
 * once a bound has passed. A bound, never a sleep: the wait ends as soon as the condition holds.
 */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
