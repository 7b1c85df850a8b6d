/** podlog's version, sent in `user-agent` and `telemetry.sdk.version`. Kept in step with package.json by a test. */
export const VERSION = '0.1.0';
