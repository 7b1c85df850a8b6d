/**
 * protobufjs's low-level Reader and Writer, imported once. The Writer builds the small
 * responses the receiver and the testing kit answer with (`google.rpc.Status`).
 * podlog decodes OTLP by hand on top of the Reader (no generated classes), with field numbers
 * taken from the official protos (opentelemetry/proto, see `fields.ts`). The hot-path encoder
 * writes bytes itself (src/record/byte-writer.ts): measured faster than protobufjs's Writer.
 *
 * Loaded on first use, not at import: only decoding (the stdout mirror, a 413 split, a
 * partial-success answer, the testing kit) needs it, and loading it costs ~20 ms of CPU that
 * `import 'podlog'` should not pay (bench/import-time.mjs). `require` keeps first use synchronous.
 */
import type pb from 'protobufjs/minimal.js';
import { DecodeError } from '../errors.js';

// node:module's CJS object: an ESM import evaluates all its exports (docs/performance.md).
const { createRequire } = process.getBuiltinModule('node:module');

const require = createRequire(import.meta.url);
let protobufjs: typeof pb | undefined;

function load(): typeof pb {
  protobufjs ??= require('protobufjs/minimal.js') as typeof pb;
  return protobufjs;
}

/** protobufjs's `Writer`, loaded on first use. */
export const Writer = { create: (): Writer => load().Writer.create() };
export type Writer = pb.Writer;
/** protobufjs's `Reader`, loaded on first use. */
export const Reader = { create: (buffer: Uint8Array): Reader => load().Reader.create(buffer) };
export type Reader = pb.Reader;

/** Wire types: varint, and length-delimited (sub-messages, strings, bytes). */
export const VARINT = 0;
export const LEN = 2;

/** The key byte(s) of a field: `(field << 3) | wireType`. */
export function tag(field: number, wireType: number): number {
  return ((field << 3) | wireType) >>> 0;
}

/** The length-delimited payload at the reader's position (a view, not a copy); advances past it. */
export function payload(r: Reader): Uint8Array {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new DecodeError('length prefix runs past the end of the body');
  const out = r.buf.subarray(r.pos, end);
  r.pos = end;
  return out;
}
