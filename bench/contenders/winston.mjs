/**
 * winston + @opentelemetry/winston-transport, which emits into the global OTel Logs API; the OTel
 * logs SDK behind it at its defaults (BatchLogRecordProcessor + OTLPLogExporter http/protobuf).
 */
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import winston from 'winston';

export async function create({ endpoint, serviceName }) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: endpoint }) })],
  });
  logs.setGlobalLoggerProvider(provider);
  const logger = winston.createLogger({ level: 'info', transports: [new OpenTelemetryTransportV3()] });
  return {
    info: (msg, fields) => logger.info(msg, fields),
    // winston hands records to its transports through streams; let them drain, then flush the SDK.
    shutdown: async () => {
      const finished = new Promise((resolve) => logger.once('finish', resolve));
      logger.end();
      await finished;
      await provider.shutdown();
    },
  };
}
