/**
 * protobufjs's low-level Reader and Writer, imported once. The Writer builds the small
 * responses the receiver and the testing kit answer with (`google.rpc.Status`).
 * podlog decodes OTLP by hand on top of the Reader (no generated classes), with field numbers
 * taken from the official protos (opentelemetry/proto, see `fields.ts`). The hot-path encoder
 * writes bytes itself (src/record/byte-writer.ts): measured faster than protobufjs's Writer.
 */
import pb from 'protobufjs/minimal.js';

export const Writer = pb.Writer;
export type Writer = pb.Writer;
export const Reader = pb.Reader;
export type Reader = pb.Reader;

/** Wire types: varint, and length-delimited (sub-messages, strings, bytes). */
export const VARINT = 0;
export const LEN = 2;

/** The key byte(s) of a field: `(field << 3) | wireType`. */
export function tag(field: number, wireType: number): number {
  return ((field << 3) | wireType) >>> 0;
}
