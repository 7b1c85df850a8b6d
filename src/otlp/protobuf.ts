/**
 * protobufjs's low-level Writer and Reader, imported once. podlog writes OTLP bytes by hand
 * on top of them (no generated classes, no intermediate object tree), with field numbers
 * taken from the official protos (opentelemetry/proto, see `fields.ts`).
 */
import pb from 'protobufjs/minimal.js';

export const Writer = pb.Writer;
export type Writer = pb.Writer;
export const Reader = pb.Reader;
export type Reader = pb.Reader;

/** Wire types. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** The key byte(s) of a field: `(field << 3) | wireType`. */
export function tag(field: number, wireType: number): number {
  return ((field << 3) | wireType) >>> 0;
}

/** Writes a bigint as protobuf fixed64 (two little-endian fixed32 words), avoiding Long. */
export function writeFixed64(w: Writer, value: bigint): void {
  w.fixed32(Number(value & 0xffffffffn));
  w.fixed32(Number((value >> 32n) & 0xffffffffn));
}
