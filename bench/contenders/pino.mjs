/**
 * pino + pino-opentelemetry-transport (its default BatchLogRecordProcessor and http/protobuf
 * exporter, in pino's transport worker thread).
 */
import { once } from 'node:events';
import { pino } from 'pino';

export async function create({ endpoint, serviceName }) {
  const transport = pino.transport({
    target: 'pino-opentelemetry-transport',
    options: {
      loggerName: 'bench',
      serviceVersion: '0.0.0',
      resourceAttributes: { 'service.name': serviceName },
      logRecordProcessorOptions: {
        recordProcessorType: 'batch',
        exporterOptions: { protocol: 'http/protobuf', protobufExporterOptions: { url: endpoint } },
      },
    },
  });
  const logger = pino(transport);
  // Start timing once the worker thread is up, like an app that has been running for a while.
  // (The transport sets `expectPinoConfig`, so it is ready only after pino() sent it the config.)
  await once(transport, 'ready');
  return {
    info: (msg, fields) => logger.info(fields, msg),
    // end() hands the rest of the shared buffer to the worker and blocks until the worker's
    // destination closed, i.e. the transport's close() ran the OTel LoggerProvider's shutdown;
    // 'finish' follows on the next tick. (This is what pino does by itself at process exit.)
    shutdown: async () => {
      const finished = once(transport, 'finish');
      transport.end();
      await finished;
    },
  };
}
