/**
 * The worker's one exception type. Thrown anywhere, rendered in one place
 * (`app.onError` in index.ts) as a page with the right status, so no request
 * ever sees a stack trace.
 */

export type ErrorCode =
  | 'not-found' // 404: nothing at this URL
  | 'method' // 405: only GET and HEAD are served
  | 'unavailable' // 503: KV failed or a record is corrupt; try again
  | 'unpublished' // 503: the namespace holds no build yet

const STATUS: Record<ErrorCode, 404 | 405 | 503> = {
  'not-found': 404,
  method: 405,
  unavailable: 503,
  unpublished: 503,
}

export class HttpError extends Error {
  readonly code: ErrorCode
  readonly status: 404 | 405 | 503

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? code, options)
    this.name = 'HttpError'
    this.code = code
    this.status = STATUS[code]
  }
}
