/**
 * Child-logger bindings, converted once at `log.child()` and reused by every record of that
 * child: each key is encoded as one `LogRecord.attributes` entry and the entries are
 * concatenated, so a call copies one byte range. The per-key offsets let a call's own field
 * replace a binding of the same key, and a child's binding replace its parent's.
 */
import { ByteWriter } from './byte-writer.js';
import { RecordEncoder } from './encode-record.js';
import { httpFieldAttributes } from './http-values.js';
import { readProperty } from './read-property.js';
import { DEFAULT_REDACTOR, type Redactor } from './redact.js';
import type { EncodedBindings } from './types.js';
import { DEFAULT_VALUE_LIMITS, MAX_VALUE_BYTES, type ValueLimits } from './value-limits.js';

const NO_BINDINGS: EncodedBindings = Object.freeze({
  bytes: new Uint8Array(0),
  keys: [],
  offsets: [0],
  index: new Map(),
  dropped: 0,
  truncated: false,
});

/**
 * Encodes `fields` as bindings on top of `parent`: keys of `fields` replace the parent's.
 * Never throws for any user value.
 */
export function encodeBindings(
  fields: object | null | undefined,
  parent: EncodedBindings = NO_BINDINGS,
  limits: ValueLimits = DEFAULT_VALUE_LIMITS,
  redactor: Redactor = DEFAULT_REDACTOR,
): EncodedBindings {
  const entries = new Map<string, Uint8Array>();
  for (let i = 0; i < parent.keys.length; i++) {
    entries.set(parent.keys[i], parent.bytes.subarray(parent.offsets[i], parent.offsets[i + 1]));
  }
  // All bindings together share one value budget, like the values of one call: a child bound
  // to several large values (or a value reachable under several keys) stays one budget's worth.
  let used = parent.bytes.length;
  let dropped = parent.dropped;
  // Borrow the spare writer (a getter that binds a child from inside the walk gets a fresh one):
  // a request context is encoded once per request, and a new writer is a fresh ArrayBuffer.
  const w = spareWriter ?? new ByteWriter(1024);
  spareWriter = undefined;
  const encoder = new RecordEncoder(w, limits, redactor);
  try {
    let keys: string[] = [];
    try {
      keys = fields !== null && typeof fields === 'object' ? Object.keys(fields) : [];
    } catch {
      // A revoked Proxy: no bindings.
    }
    // The final key → value list first, each property read once: a raw request/response bound
    // as `req`/`res` becomes its semantic-convention attributes (as in a call's fields,
    // encode-record.ts), and a binding one of them replaces is never encoded (its getters and
    // `toJSON` do not run, its size neither cuts nor spends the budget). `Map.set` on a key
    // already there keeps its first position and takes the last value.
    const final = new Map<string, unknown>();
    for (const key of keys) {
      const value = readProperty(fields as object, key);
      const http = httpFieldAttributes(key, value, redactor);
      if (http === undefined) final.set(key, value);
      else for (const k of Object.keys(http)) final.set(k, http[k]);
    }
    for (const [key, value] of final) {
      const old = entries.get(key);
      if (old !== undefined) used -= old.length;
      // Deleted first: re-inserted at the end (order follows the latest binding), or unbound by
      // `undefined`, or replaced by nothing when the budget is spent (never the stale value).
      entries.delete(key);
      const bytes = encoder.binding(fields as object, key, value, MAX_VALUE_BYTES - used);
      if (bytes === null) dropped++;
      else if (bytes !== undefined) {
        entries.set(key, bytes);
        used += bytes.length;
      }
    }
    return assemble(entries, w, limits, dropped, parent.truncated || encoder.truncated);
  } finally {
    w.reset();
    // Not one a huge binding grew: that memory is not kept for the next request.
    if (w.buf.length <= SPARE_WRITER_MAX) spareWriter = w;
  }
}

/** A writer kept between {@link encodeBindings} calls, while it is at most {@link SPARE_WRITER_MAX} bytes. */
let spareWriter: ByteWriter | undefined;
const SPARE_WRITER_MAX = 64 * 1024;

/** The entries, in order, as one byte range with per-key offsets (past `maxAttributes`: dropped). */
function assemble(
  entries: ReadonlyMap<string, Uint8Array>,
  w: ByteWriter,
  limits: ValueLimits,
  dropped: number,
  truncated: boolean,
): EncodedBindings {
  w.reset();
  const keys: string[] = [];
  const offsets = [0];
  for (const [key, bytes] of entries) {
    if (keys.length >= limits.maxAttributes) {
      dropped++;
      continue;
    }
    keys.push(key);
    w.raw(bytes);
    offsets.push(w.pos);
  }
  return Object.freeze({
    bytes: w.copy(),
    keys,
    offsets,
    index: new Map(keys.map((k, i) => [k, i])),
    dropped,
    truncated,
  });
}
