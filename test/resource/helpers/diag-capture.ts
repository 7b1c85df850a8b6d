import { createDiag, type Diag } from '../../../src/diag.js';

/** A real rate-limited Diag whose lines land in an array. */
export function captureDiag(): { diag: Diag; lines: string[] } {
  const lines: string[] = [];
  return { diag: createDiag({ sink: (line) => lines.push(line) }), lines };
}
