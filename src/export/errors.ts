/**
 * The export stage's errors live with every other podlog error in `src/errors.ts`; this module
 * keeps the stage's import path.
 */
export { ExportAbortedError, ExportTimeoutError } from '../errors.js';
