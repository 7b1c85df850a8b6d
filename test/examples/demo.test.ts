import { describe, expect, it } from 'vitest';
import { runTs } from '../helpers/run-ts.js';

describe('npm run demo', () => {
  it('starts the receiver, runs examples/basic and the outage/spool replay, prints the records and exits 0', async () => {
    const run = await runTs(['scripts/demo.mjs'], { nodeArgs: [], timeoutMs: 60_000 });
    expect(run.stderr).not.toMatch(/FAILED|✗/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/INFO {2}demo-shop \[checkout\] service started version="1\.4\.2" port=8080/);
    expect(run.stdout).toMatch(/ERROR demo-shop \[checkout\] could not read the saved cart/);
    expect(run.stdout).toMatch(/\n {4}SyntaxError: /);
    expect(run.stdout).toContain('event=checkout.completed');
    expect(run.stdout).toMatch(/app \(backend down\): accepted 2000, exported 0, spooled 2000, dropped 0/);
    expect(run.stdout).toMatch(/receiver: 2000 of 2000 outage records arrived/);
    expect(run.stdout).not.toMatch(/✗/);
    expect(run.stdout).toMatch(/demo ok: every check passed/);
  });
});
