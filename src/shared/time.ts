/**
 * Dates the way Jekyll reads them, with an IANA timezone for the site.
 *
 * Jekyll parses a front-matter date with Ruby's Time.parse and then moves it to
 * the site's `timezone` (Utils.parse_date … .localtime), so the URL's :year,
 * :month and :day are those of the site's wall clock. A date written without an
 * offset is read as wall-clock time in the site's timezone.
 */

export interface ZonedParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export interface ParsedDate {
  /** Epoch milliseconds. */
  ms: number
  /** The offset to show the date with: the one written, or the site's at that instant. */
  offsetMinutes: number
}

// YYYY-M-D, then optional time (space or T), fraction, and offset (Z, +09:00, +0900, +09).
const DATE_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** True when `timeZone` is an IANA name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

/** The wall-clock fields of an instant in a timezone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  }
}

/** The timezone's offset from UTC at an instant, in minutes (Asia/Tokyo: 540). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/**
 * Parses every date form Jekyll accepts in front matter or a filename.
 * Returns null for anything else, including impossible dates (2025-02-30).
 */
export function parseDate(input: string, timeZone: string): ParsedDate | null {
  const m = DATE_RE.exec(input.trim())
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', off] = m
  const year = Number(y), month = Number(mo), day = Number(d)
  const hour = Number(h), minute = Number(mi), second = Number(s)
  if (!validCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return null
  const millis = Math.floor(Number(`0.${frac || '0'}`) * 1000)
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  if (off) {
    const offsetMinutes = parseOffset(off)
    return { ms: wall - offsetMinutes * 60000, offsetMinutes }
  }
  // No offset: wall-clock time in the site's zone. Two passes settle DST edges.
  let guess = wall - zoneOffsetMinutes(wall, timeZone) * 60000
  guess = wall - zoneOffsetMinutes(guess, timeZone) * 60000
  return { ms: guess, offsetMinutes: zoneOffsetMinutes(guess, timeZone) }
}

function parseOffset(off: string): number {
  if (off.toUpperCase() === 'Z') return 0
  const sign = off.startsWith('-') ? -1 : 1
  const digits = off.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'))
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** RFC 3339 with a given offset: 2025-01-31T00:15:00+09:00 (RFC 3339 §5.6). */
export function toRfc3339(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** YYYY-MM-DD of an instant in a timezone: the date as the site shows it. */
export function dayInZone(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** HTTP-date (RFC 9110 §5.6.7) from epoch seconds. */
export function httpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString()
}
