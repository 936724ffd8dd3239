/**
 * JSON as the worker sends it: `<`, `>` and `&` as `\u003c`, `\u003e` and
 * `\u0026`, as Go's encoding/json does, so a path or title echoed in a body can
 * never read as markup to anything that sniffs it (`nosniff` already forbids
 * that; this holds without it). The escapes are plain JSON (RFC 8259 §7): a
 * parser reads the same value.
 */

const UNSAFE = /[<>&\u2028\u2029]/g
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }

export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => ESCAPES[c]!)
}
