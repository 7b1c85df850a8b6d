/** The environment podlog reads its settings from: `process.env`, or the `env` option in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The OTLP exporter env vars of a setting, signal-specific first: `OTEL_EXPORTER_OTLP_LOGS_<name>`, `OTEL_EXPORTER_OTLP_<name>`. */
export function otlpEnv(name: string): readonly string[] {
  return [`OTEL_EXPORTER_OTLP_LOGS_${name}`, `OTEL_EXPORTER_OTLP_${name}`];
}
