/**
 * Turns a protobuf request body into what goes on the wire for the configured protocol and
 * compression. Runs once per request (not per attempt); gzip uses zlib's thread pool so it
 * stays off the event loop.
 */
import { protobufRequestToJson } from '../otlp/json.js';
import type { Compression, Protocol } from './options.js';

// node:util's CJS object: an ESM import evaluates all its exports (docs/performance.md).
const { promisify } = process.getBuiltinModule('node:util');

/** node:zlib loads at the first gzip body, not at import (several ms of start-up). */
let gzipAsync: ((body: Uint8Array) => Promise<Uint8Array>) | undefined;

/** The body before compression, plus the content type to send. */
export function serialize(body: Uint8Array, protocol: Protocol): { body: Uint8Array; contentType: string } {
  if (protocol === 'http/json') {
    return { body: Buffer.from(protobufRequestToJson(body), 'utf8'), contentType: 'application/json' };
  }
  return { body, contentType: 'application/x-protobuf' };
}

/** Compresses a serialized body; returns the bytes to send and the extra headers. */
export async function compress(
  body: Uint8Array,
  compression: Compression,
): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  if (compression === 'gzip') {
    gzipAsync ??= promisify(process.getBuiltinModule('node:zlib').gzip);
    return { body: await gzipAsync(body), headers: { 'content-encoding': 'gzip' } };
  }
  return { body, headers: {} };
}
