/**
 * The soak's short mode (≈ 30 s): see bench/soak/soak.ts for the scenario and the checks.
 * Four SIGKILLs and one normal shutdown under a flapping backend, then a healthy period.
 */
import { describe, expect, it } from 'vitest';
import { runSoak, summary } from '../../bench/soak/soak.js';

describe('soak (short mode)', () => {
  it('kills and restarts under a flapping backend: nothing settled is lost, duplicates only as batch resends, invariants hold, heap flat', async () => {
    const report = await runSoak({ flappingMs: 20_000, kills: 4, healthyMs: 6_000 });
    const text = summary(report);
    expect(report.failures, text).toEqual([]);
    expect(report.missing).toBe(0);
    expect(report.duplicatesAfterDedup).toBe(0);
    expect(report.invariantViolations).toEqual([]);
    expect(report.drops).toBe(0);
    expect(report.processes.filter((p) => p.end === 'SIGKILL')).toHaveLength(4);
    expect(report.required).toBeGreaterThan(1000);
    expect(report.heapRatio).toBeLessThanOrEqual(1.1);
  }, 90_000);
});
