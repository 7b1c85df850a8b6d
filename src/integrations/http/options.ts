/**
 * Options of `podlog/http` (pino-http's names where the idea is the same), checked once when
 * the middleware is created: a bad option fails there with an `InvalidOptionError`, never
 * during a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as opt from '../../config/schema.js';
import { checkKeys, isPlainObject } from '../../config/validate.js';
import { InvalidOptionError } from '../../errors.js';
import type { Fields } from '../../logger/call-forms.js';
import { Logger } from '../../logger/logger.js';
import type { LevelOrSilent } from '../../record/level-table.js';

/** Options of {@link httpLogger}. Only `logger` is required. */
export interface HttpLoggerOptions<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> {
  /** The podlog logger the records go to (`createLogger(...)` or a child of it). */
  logger: Logger;
  /**
   * The request id. Default: the incoming request-id header (`requestIdHeader`) when it looks
   * like an id (1–128 characters of `A-Z a-z 0-9 - _ . : / + = @`), else a fresh UUID.
   */
  genReqId?: (req: Req, res: Res) => string;
  /**
   * Header the request id is read from (by the default `genReqId`) and echoed on the response
   * under; `false`: neither. Default `x-request-id`.
   */
  requestIdHeader?: string | false;
  /**
   * Level of the completion record. Default: `error` for a 5xx or an error, `warn` for a 4xx,
   * else `info`. Return `silent` to skip the record.
   */
  customLogLevel?: (req: Req, res: Res, err: Error | undefined) => LevelOrSilent;
  /**
   * `true` (default): one completion record per request. `false`: none (the request context
   * and `req.log` still work). `{ ignore }`: none for requests where `ignore(req)` is true
   * (health checks, say).
   */
  autoLogging?: boolean | { ignore?: (req: Req) => boolean };
  /** Body of the completion record of a request without error. Default `request completed`. */
  customSuccessMessage?: (req: Req, res: Res, durationMs: number) => string;
  /** Body of the completion record of a failed request (5xx or error). Default `request errored`. */
  customErrorMessage?: (req: Req, res: Res, err: Error | undefined) => string;
  /** Extra attributes of the completion record. */
  customProps?: (req: Req, res: Res) => Fields;
  /**
   * Extra fields of the request context: every record logged while handling the request
   * carries them (the request id is always there, as `http.request.id`).
   */
  contextFields?: (req: Req) => Fields;
  /**
   * Tail buffering (when the logger has the `tail` option): each request gets a buffer of its
   * records below the level, written only if the request fails: a 5xx, an error handed over
   * (thrown through `wrap`, or given to `errorHandler`), a record at `tail.releaseLevel`, or a
   * response slower than `slowMs` (default: the logger's `tail.slowMs`). `false`: no buffers
   * for this middleware. Default `true`. See docs/tail-buffering.md.
   */
  tail?: boolean | { slowMs?: number };
}

/** The options that are callbacks: checked to be functions, kept as given. */
const CALLBACKS = [
  'genReqId',
  'customLogLevel',
  'customSuccessMessage',
  'customErrorMessage',
  'customProps',
  'contextFields',
] as const;

/** The options the schema checks (`requestIdHeader: false` aside); the others are shapes, checked below. */
const CHECKED = { requestIdHeader: opt.str({ default: 'x-request-id' }) };
const TAIL_CHECKED = { slowMs: opt.ms({ min: 1 }) };

/** The option names of {@link HttpLoggerOptions}. */
export const HTTP_OPTION_KEYS: readonly string[] = [
  'logger',
  'requestIdHeader',
  'autoLogging',
  'tail',
  ...CALLBACKS,
] satisfies (keyof HttpLoggerOptions)[];

/**
 * {@link HttpLoggerOptions} checked, with defaults filled in (`ignore` is `autoLogging.ignore`;
 * `tailSlowMs` undefined: the logger's `tail.slowMs`). Every integration hands the callbacks
 * the raw Node request and response.
 */
export type ResolvedHttpOptions = ReturnType<typeof resolveHttpOptions>;

/**
 * Checks `options`; throws `InvalidOptionError` naming the bad option. `group` names the
 * options in messages; `known` (default: all of {@link HttpLoggerOptions}) lets an
 * integration accept a subset or add its framework's own keys.
 */
export function resolveHttpOptions(options: unknown, group = 'httpLogger', known = HTTP_OPTION_KEYS) {
  if (!isPlainObject(options)) {
    throw new InvalidOptionError(group, options, 'an options object such as { logger: createLogger() }');
  }
  checkKeys(options, group, known);
  const logger = options.logger;
  if (!(logger instanceof Logger)) {
    throw new InvalidOptionError(
      `${group}.logger`,
      logger,
      "a podlog Logger (createLogger() from 'podlog', or a child of one)",
    );
  }
  const header = options.requestIdHeader;
  const requestIdHeader =
    header === false ? false : opt.resolveFields(CHECKED, options, group, {}).requestIdHeader.toLowerCase();
  if (requestIdHeader !== false && !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(requestIdHeader)) {
    throw new InvalidOptionError(`${group}.requestIdHeader`, header, 'an HTTP header name, or false');
  }
  const auto = options.autoLogging;
  let autoLogging = true;
  let ignore: unknown;
  if (typeof auto === 'boolean') autoLogging = auto;
  else if (isPlainObject(auto)) {
    ignore = auto.ignore;
    if (ignore !== undefined && typeof ignore !== 'function') {
      throw new InvalidOptionError(`${group}.autoLogging.ignore`, ignore, 'a function (req) => boolean');
    }
  } else if (auto !== undefined) {
    throw new InvalidOptionError(`${group}.autoLogging`, auto, 'true, false or { ignore: (req) => boolean }');
  }
  const callbacks: Record<string, unknown> = {};
  for (const key of CALLBACKS) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'function')
      throw new InvalidOptionError(`${group}.${key}`, v, 'a function');
    callbacks[key] = v;
  }
  return Object.freeze({
    ...(callbacks as Pick<HttpLoggerOptions, (typeof CALLBACKS)[number]>),
    logger,
    requestIdHeader,
    autoLogging,
    ignore: ignore as ((req: IncomingMessage) => boolean) | undefined,
    ...resolveHttpTail(options.tail, group),
  });
}

function resolveHttpTail(value: unknown, group: string): { tail: boolean; tailSlowMs: number | undefined } {
  if (value === undefined || typeof value === 'boolean')
    return { tail: value ?? true, tailSlowMs: undefined };
  const form = 'true, false, or { slowMs }';
  if (!isPlainObject(value)) throw new InvalidOptionError(`${group}.tail`, value, form);
  checkKeys(value, `${group}.tail`, Object.keys(TAIL_CHECKED));
  // No default: undefined when not given (the logger's `tail.slowMs` applies).
  return { tail: true, tailSlowMs: opt.resolveFields(TAIL_CHECKED, value, `${group}.tail`, {}).slowMs };
}
