/**
 * Reading the records of an HTTP app: the completion record podlog/http writes per request, as
 * received by either test receiver (`DecodedLogRecord` or `TestRecord`).
 */

/** The fields of a received record these helpers read. */
interface HttpRecord {
  body: unknown;
  severityText?: string;
  attributes: Record<string, unknown>;
}

/** The completion records (`request completed` / `request errored` / …), in order. */
export function completions<R extends HttpRecord>(records: R[]): R[] {
  return records.filter(
    (r) => typeof r.body === 'string' && /^request (completed|errored|aborted)$/.test(r.body),
  );
}

/**
 * What each request ended as, in order: `[request id, body, severity, route, status]` of every
 * completion record.
 */
export function outcomes(records: HttpRecord[]): unknown[][] {
  return completions(records).map((r) => [
    r.attributes['http.request.id'],
    r.body,
    r.severityText,
    r.attributes['http.route'],
    r.attributes['http.response.status_code'],
  ]);
}
