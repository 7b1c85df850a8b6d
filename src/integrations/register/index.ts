/**
 * `podlog/register`: zero-code start.
 *
 *   node --import podlog/register app.js      (ESM)
 *   node -r podlog/register app.js            (CommonJS)
 *
 * Creates a logger from the environment alone (`OTEL_*`, `PODLOG_*`), flushes it before the
 * process exits, and makes it available as `getLogger()`. With `PODLOG_CAPTURE_CONSOLE=1`,
 * `console.*` calls become records too.
 * @packageDocumentation
 */
import { getLogger } from './register.js';

// Preloaded (`--import`, `-r`): the logger exists before the app's first line runs.
getLogger();

export { captureConsole } from '../console/capture-console.js';
export { getLogger };
