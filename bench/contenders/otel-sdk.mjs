/**
 * The OpenTelemetry JS logs SDK: LoggerProvider + BatchLogRecordProcessor + OTLPLogExporter
 * (http/protobuf), as its docs set it up. `queueSize` undefined = the SDK defaults (queue 2048,
 * batch 512, 1 s delay); a number = `maxQueueSize` raised to hold the whole burst ("tuned").
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';

export async function create({ endpoint, serviceName, queueSize }) {
  const exporter = new OTLPLogExporter({ url: endpoint });
  const processor = new BatchLogRecordProcessor(
    queueSize ? { exporter, maxQueueSize: queueSize } : { exporter },
  );
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    processors: [processor],
  });
  const logger = provider.getLogger('bench');
  return {
    info: (msg, fields) =>
      logger.emit({
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body: msg,
        attributes: fields,
      }),
    shutdown: () => provider.shutdown(),
  };
}
