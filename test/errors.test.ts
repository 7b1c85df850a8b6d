/**
 * One error module: every error class podlog throws is exported from 'podlog', each with its
 * own code; UnknownOptionError stays an InvalidOptionError for `instanceof`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as podlog from 'podlog';
import {
  createLogger,
  DecodeError,
  decodeProtobufRequest,
  ExportAbortedError,
  ExportTimeoutError,
  InvalidOptionError,
  PodlogError,
  SpoolUnavailableError,
  UnknownOptionError,
} from 'podlog';
import * as testing from 'podlog/testing';
import { describe, expect, it } from 'vitest';

/** Names of every class in src/ that extends a podlog error, found in the source itself. */
function errorClassesInSource(): string[] {
  const names = new Set<string>(['PodlogError']);
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const sources = files.map((f) => readFileSync(join('src', f), 'utf8'));
  // Subclasses of subclasses too: repeat until nothing new extends a known one.
  for (let grew = true; grew; ) {
    grew = false;
    for (const text of sources) {
      for (const m of text.matchAll(/class (\w+) extends (\w+)/g)) {
        if (names.has(m[2]) && !names.has(m[1])) {
          names.add(m[1]);
          grew = true;
        }
      }
    }
  }
  return [...names].sort();
}

describe('errors', () => {
  it("every error class in src/ is exported from 'podlog' and is a PodlogError", () => {
    const names = errorClassesInSource();
    expect(names).toEqual(
      expect.arrayContaining([
        'DecodeError',
        'ExportTimeoutError',
        'SpoolUnavailableError',
        'UnknownOptionError',
      ]),
    );
    for (const name of names) {
      const exported = (podlog as Record<string, unknown>)[name] as
        | (new (
            ...args: never[]
          ) => unknown)
        | undefined;
      expect(exported, `${name} is exported from podlog`).toBeTypeOf('function');
      expect(exported?.prototype instanceof PodlogError || exported === PodlogError).toBe(true);
    }
  });

  it('each class has its own stable code and name', () => {
    const samples: PodlogError[] = [
      new InvalidOptionError('queue.maxRecords', -1, 'an integer >= 1'),
      new UnknownOptionError('queue.maxRecord', 'queue.maxRecords', 'one of …'),
      new DecodeError('truncated'),
      new ExportTimeoutError(10_000),
      new ExportAbortedError(),
      new SpoolUnavailableError('EACCES', 1000),
    ];
    expect(samples.map((e) => [e.name, e.code])).toEqual([
      ['InvalidOptionError', 'PODLOG_INVALID_OPTION'],
      ['UnknownOptionError', 'PODLOG_UNKNOWN_OPTION'],
      ['DecodeError', 'PODLOG_DECODE'],
      ['ExportTimeoutError', 'PODLOG_EXPORT_TIMEOUT'],
      ['ExportAbortedError', 'PODLOG_EXPORT_ABORTED'],
      ['SpoolUnavailableError', 'PODLOG_SPOOL_UNAVAILABLE'],
    ]);
    expect(new Set(samples.map((e) => e.code)).size).toBe(samples.length);
  });

  it('an unknown option: UnknownOptionError, code PODLOG_UNKNOWN_OPTION, still an InvalidOptionError', () => {
    let thrown: unknown;
    try {
      createLogger({ env: {}, queue: { maxRecord: 5 } } as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UnknownOptionError);
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect(thrown).toMatchObject({
      code: 'PODLOG_UNKNOWN_OPTION',
      option: 'queue.maxRecord',
      suggestion: 'queue.maxRecords',
    });
  });

  it("decoders throw the DecodeError exported by 'podlog' (the same class from podlog/testing)", () => {
    expect(testing.DecodeError).toBe(DecodeError);
    expect(() => decodeProtobufRequest(Uint8Array.of(0x0a, 0xff))).toThrow(DecodeError);
  });
});
