/**
 * The worker's one exception type. Thrown anywhere, rendered in one place
 * (`app.onError` in index.ts): an HTML page, or for /api/ the one JSON shape
 *
 *   {"error": {"code": "<ErrorCode>", "message": "<one line for a person>"}}
 *
 * with the right status, so no request ever sees a stack trace.
 */

import type { QueryProblem } from './search/index.ts'

/** Errors only the API gives: the HTML search page answers the same queries with a message. */
export type ApiErrorCode =
  | QueryProblem // 400: a search query the index cannot run (empty, too long, operators only)
  | 'bad-page' // 400: an API page number out of range

/** Errors a page can show. */
export type PageErrorCode =
  | 'not-found' // 404: nothing at this URL
  | 'method' // 405: only GET and HEAD are served
  | 'unavailable' // 503: KV failed or a record is corrupt; try again
  | 'unpublished' // 503: the namespace holds no build yet

export type ErrorCode = ApiErrorCode | PageErrorCode

type Status = 400 | 404 | 405 | 503

const STATUS: Record<ErrorCode, Status> = {
  empty: 400,
  'too-long': 400,
  'no-terms': 400,
  'bad-page': 400,
  'not-found': 404,
  method: 405,
  unavailable: 503,
  unpublished: 503,
}

/**
 * What a client is told of errors whose detail is not for it: a 503's detail
 * names KV keys and build ids, which only the log gets.
 */
const PUBLIC_MESSAGE: Partial<Record<ErrorCode, string>> = {
  'not-found': 'nothing at this URL',
  method: 'only GET and HEAD are served',
  unavailable: 'temporarily unavailable; try again shortly',
  unpublished: 'nothing is published here yet',
}

export class HttpError extends Error {
  readonly code: ErrorCode
  readonly status: Status

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? code, options)
    this.name = 'HttpError'
    this.code = code
    this.status = STATUS[code]
  }

  /** The code an error page shows: an API-only error outside /api/ (none is thrown there) reads as nothing here. */
  get pageCode(): PageErrorCode {
    return this.status === 400 ? 'not-found' : (this.code as PageErrorCode)
  }

  /** The message a client may see: the detail of a 4xx, a fixed line for a 503. */
  get publicMessage(): string {
    if (this.status < 500 && this.message !== this.code) return this.message
    return PUBLIC_MESSAGE[this.code] ?? this.code
  }
}
