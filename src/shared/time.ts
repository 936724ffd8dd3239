/**
 * Dates the way Jekyll reads them, with an IANA timezone for the site.
 *
 * Jekyll parses a front-matter date with Ruby's Time.parse and then moves it to
 * the site's `timezone` (Utils.parse_date … .localtime), so the URL's :year,
 * :month and :day are those of the site's wall clock. A date written without an
 * offset is read as wall-clock time in the site's timezone, except an unquoted
 * YAML timestamp with seconds, which Psych reads as UTC (see ruby-time.ts).
 */

import { MemoScope } from './memo-scope.ts'
import { daysInMonth, psychTimestamp, rubyTimeFields, utcOf } from './ruby-time.ts'

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
  /** The day overflowed its month and rolled into the next (2025-02-30 is 2025-03-02), as in Ruby. */
  rolledOver?: boolean
}

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

/** A list of zone parts by `${timeZone} ${ms}`, as withZoneParts takes and gives them. */
export type Zones = Array<[string, ZonedParts]>

/** Zone parts an earlier render of the file worked out, and those this one used: withZoneParts. */
const zones = new MemoScope<ZonedParts>()

/**
 * `run()` with the zone parts an earlier render of the same file worked out
 * (`known`), and, when `keep`, every one it used. A thread's first
 * Intl.DateTimeFormat costs ~12 ms of ICU start-up, on the path of an edit's
 * build (its worker renders one post, whose permalink needs its date's
 * parts); an edit rarely changes the date. The parts are a function of the
 * instant, the zone and the runtime's tz data (which the caller's cache key
 * names), so the result is the same either way.
 */
export function withZoneParts<T>(known: Zones | undefined, keep: boolean, run: () => T): { value: T; made?: Zones } {
  return zones.run(known, keep, run)
}

/** The wall-clock fields of an instant in a timezone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  return zones.active ? zones.get(`${timeZone} ${ms}`, () => partsOf(ms, timeZone)) : partsOf(ms, timeZone)
}

function partsOf(ms: number, timeZone: string): ZonedParts {
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

export interface ParseDateOptions {
  /**
   * The date is an unquoted YAML scalar: Psych may have loaded it as a
   * timestamp first, which reads a time with no offset as UTC (ruby-time.ts).
   */
  yamlPlain?: boolean
  /** Ruby fills leading fields left out (`10:00` means today) from now. */
  nowMs?: number
}

/**
 * Reads a date as Jekyll 4.3 does (src/shared/ruby-time.ts): Psych's YAML
 * timestamp for an unquoted scalar, else Ruby's `Time.parse` with the site's
 * `timezone` as local time. Null where Jekyll stops with "invalid date".
 */
export function parseDate(input: string, timeZone: string, options: ParseDateOptions = {}): ParsedDate | null {
  const plain = options.yamlPlain ? psychTimestamp(input.trim()) : null
  if (plain) return { ms: plain.ms, offsetMinutes: plain.offsetMinutes ?? zoneOffsetMinutes(plain.ms, timeZone), ...(plain.rolledOver ? { rolledOver: true } : {}) }
  const nowMs = options.nowMs ?? Date.now()
  const p = zonedParts(nowMs, timeZone)
  const fields = rubyTimeFields(input, { year: p.year, mon: p.month, day: p.day, hour: p.hour, min: p.minute, sec: p.second, ms: nowMs % 1000 })
  if (!fields) return null
  const { wall, offsetSeconds } = fields
  const rolled = wall.day > daysInMonth(wall.year, wall.mon) ? { rolledOver: true as const } : {}
  const utc = utcOf(wall)
  if (offsetSeconds !== undefined) return { ms: utc - offsetSeconds * 1000, offsetMinutes: Math.round(offsetSeconds / 60), ...rolled }
  // No offset: wall-clock time in the site's zone. Two passes settle DST edges.
  let guess = utc - zoneOffsetMinutes(utc, timeZone) * 60000
  guess = utc - zoneOffsetMinutes(guess, timeZone) * 60000
  return { ms: guess, offsetMinutes: zoneOffsetMinutes(guess, timeZone), ...rolled }
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
