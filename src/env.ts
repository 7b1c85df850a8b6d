/** The environment podlog reads its settings from: `process.env`, or the `env` option in tests. */
export type Env = Readonly<Record<string, string | undefined>>;
