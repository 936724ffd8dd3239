/**
 * How Jekyll 4.3 turns a front-matter or filename date into a time, ported
 * from the code that does it, so every form Jekyll accepts builds on the same
 * day as Jekyll's URL and every form it refuses is refused:
 *
 *   1. YAML (Psych, via `Psych.safe_load(…, permitted_classes: [Date, Time])`):
 *      an *unquoted* scalar matching Psych's timestamp pattern becomes a Time
 *      (`psychTimestamp`). With no offset, Psych reads it as UTC, not as site
 *      time: `date: 2025-01-31 00:15:00` is 09:15 on a Tokyo site.
 *   2. Jekyll then calls `Time.parse(value.to_s).localtime` (Utils.parse_date),
 *      so anything else, a quoted string, a date without seconds, a number, is
 *      read by Ruby's `Date._parse` (ext/date/date_parse.c, the non-tight
 *      parser) and `Time.make_time` / `Time.zone_offset` (lib/time.rb)
 *      (`rubyTimeParse`). A time zone Ruby does not know is ignored and the
 *      time is read on the site clock, as Jekyll does with `TZ` set to the
 *      site's `timezone`.
 *
 * Checked against real Jekyll: test/fixtures/jekyll-dates/ (its expected.json
 * is Jekyll's own output). Not ported: a zone written as the site zone's own
 * abbreviation (`JST` on a Tokyo site: Ruby matches it against the system
 * zone's name; here it is ignored, which gives the same time), and eras.
 */

/** What `Date._parse` found. */
export interface RubyDateHash {
  year?: number
  mon?: number
  mday?: number
  yday?: number
  wday?: number
  hour?: number
  min?: number
  sec?: number
  /** Fraction of a second, as a number in [0, 1). */
  secFraction?: number
  zone?: string
  _comp?: boolean
  _bc?: boolean
}

export interface RubyTime {
  ms: number
  /** The offset Ruby's Time carries: the one written, or undefined for site time. */
  offsetMinutes?: number
  /** The day or month overflowed and rolled into the next (2025-02-30 → 2025-03-02), as Ruby's Time does. */
  rolledOver: boolean
}

const ABBR_DAYS = 'sun|mon|tue|wed|thu|fri|sat'
const ABBR_MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec'
const ERA = '(c(?:e|\\.e\\.)|b(?:ce|\\.c\\.e\\.)|a(?:d|\\.d\\.)|b(?:c|\\.c\\.))'

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
const isSign = (c: string | undefined) => c === '-' || c === '+'
/** rb_cstr_to_inum(s, 10, 0): leading digits with a sign; nothing parsable is 0. */
const num = (s: string): number => {
  const n = parseInt(s, 10)
  return Number.isNaN(n) ? 0 : n
}
const digitSpan = (s: string, from: number) => {
  let i = from
  while (isDigit(s[i])) i++
  return i - from
}
const monNum = (s: string) => ABBR_MONTHS.split('|').indexOf(s.slice(0, 3).toLowerCase()) + 1
const dayNum = (s: string) => ABBR_DAYS.split('|').indexOf(s.slice(0, 3).toLowerCase())

/** date_parse.c s3e(): sorts three loosely written fields into year, month and day. */
function s3e(h: RubyDateHash, y0: string | undefined, m0: string | number | undefined, d0: string | undefined, bc: boolean): void {
  let y = y0
  let m = m0 === undefined ? undefined : String(m0)
  let d = d0
  let c: boolean | undefined
  if (y !== undefined && m !== undefined && d === undefined) [y, m, d] = [undefined, y, m]
  if (y === undefined) {
    if (d !== undefined && d.length > 2) [y, d] = [d, undefined]
    if (d !== undefined && d.length > 0 && d[0] === "'") [y, d] = [d, undefined]
  }
  if (y !== undefined) {
    let s = 0
    while (s < y.length && !isSign(y[s]) && !isDigit(y[s])) s++
    if (s < y.length) {
      const bp = s
      if (isSign(y[s])) s++
      const ep = s + digitSpan(y, s)
      if (ep < y.length) [y, d] = [d, y.slice(bp, ep)]
    }
  }
  if (m !== undefined && (m[0] === "'" || m.length > 2)) [y, m, d] = [m, d, y] // us → be
  if (d !== undefined && (d[0] === "'" || d.length > 2)) [y, d] = [d, y]
  if (y !== undefined) {
    let s = 0
    while (s < y.length && !isSign(y[s]) && !isDigit(y[s])) s++
    if (s < y.length) {
      const bp = s
      if (isSign(y[s])) {
        s++
        c = false
      }
      const l = digitSpan(y, s)
      if (l > 2) c = false
      h.year = num(y.slice(bp, s + l))
    }
  }
  if (bc) h._bc = true
  for (const [key, v] of [['mon', m], ['mday', d]] as const) {
    if (v === undefined) continue
    let s = 0
    while (s < v.length && !isDigit(v[s])) s++
    if (s < v.length) h[key] = num(v.slice(s, s + digitSpan(v, s)))
  }
  if (c !== undefined) h._comp = c
}

type Sub = (m: RegExpExecArray, h: RubyDateHash) => boolean | void

/** date_parse.c subx(): on a match, replaces it with one space (so later parsers skip it) and records it. */
function subx(state: { str: string }, re: RegExp, h: RubyDateHash, cb: Sub): boolean {
  const m = re.exec(state.str)
  if (!m) return false
  state.str = `${state.str.slice(0, m.index)} ${state.str.slice(m.index + m[0].length)}`
  return cb(m, h) !== false
}

const TIME_RE = new RegExp(
  '(' +
    '(?:\\d+\\s*:\\s*\\d+(?:\\s*:\\s*\\d+(?:[,.]\\d*)?)?|\\d+\\s*h(?:\\s*\\d+m?(?:\\s*\\d+s?)?)?)' +
    '(?:\\s*[ap](?:m\\b|\\.m\\.))?' +
    '|\\d+\\s*[ap](?:m\\b|\\.m\\.)' +
    ')' +
    '(?:\\s*(' +
    '(?:gmt|utc?)?[-+]\\d+(?:[,.:]\\d+(?::\\d+)?)?' +
    '|[A-Za-z.\\s]+(?:standard|daylight)\\stime\\b' +
    '|[A-Za-z]+(?:\\sdst)?\\b' +
    '))?',
  'i',
)
const TIME2_RE = /^(\d+)h?(?:\s*:?\s*(\d+)m?(?:\s*:?\s*(\d+)(?:[,.](\d+))?s?)?)?(?:\s*([ap])(?:m\b|\.m\.))?/i

const fraction = (digits: string) => (digits ? num(digits) / 10 ** digits.length : 0)

function parseTimeCb(m: RegExpExecArray, h: RubyDateHash): boolean {
  if (m[2] !== undefined) h.zone = m[2]
  const t = TIME2_RE.exec(m[1]!)
  if (!t) return false
  let hour = num(t[1]!)
  if (t[5]) hour = (hour % 12) + (t[5].toLowerCase() === 'p' ? 12 : 0)
  h.hour = hour
  if (t[2] !== undefined) h.min = num(t[2])
  if (t[3] !== undefined) h.sec = num(t[3])
  if (t[4] !== undefined) h.secFraction = fraction(t[4])
  return true
}

const EU_RE = new RegExp(`('?\\d+)[^-\\d\\s]*\\s*(${ABBR_MONTHS})[^-\\d\\s']*(?:\\s*${ERA}?\\s*('?-?\\d+(?:(?:st|nd|rd|th)\\b)?))?`, 'i')
const US_RE = new RegExp(`\\b(${ABBR_MONTHS})[^-\\d\\s']*\\s*('?\\d+)[^-\\d\\s']*(?:\\s*,?\\s*${ERA}?\\s*('?-?\\d+))?`, 'i')
const isBc = (b: string | undefined) => b !== undefined && b[0]!.toLowerCase() === 'b'
const GENGO: Record<string, number> = { m: 1867, t: 1911, s: 1925, h: 1988 }

/** The date parsers of date__parse(), tried in its order until one matches. */
const DATE_PARSERS: Array<{ needs: string; re: RegExp; cb: Sub }> = [
  { needs: 'a9', re: EU_RE, cb: (m, h) => s3e(h, m[4], monNum(m[2]!), m[1], isBc(m[3])) },
  { needs: 'a9', re: US_RE, cb: (m, h) => s3e(h, m[4], monNum(m[1]!), m[2], isBc(m[3])) },
  { needs: '9-', re: /('?[-+]?\d+)-(\d+)-('?-?\d+)/, cb: (m, h) => s3e(h, m[1], m[2], m[3], false) },
  {
    needs: '9.',
    re: /\b([mtsh])(\d+)\.(\d+)\.(\d+)/i,
    cb: (m, h) => {
      h.year = num(m[2]!) + GENGO[m[1]!.toLowerCase()]!
      h.mon = num(m[3]!)
      h.mday = num(m[4]!)
    },
  },
  { needs: 'a9-', re: new RegExp(`('?-?\\d+)-(${ABBR_MONTHS})[^-/.]*-('?-?\\d+)`, 'i'), cb: (m, h) => s3e(h, m[3], monNum(m[2]!), m[1], false) },
  { needs: 'a9-', re: new RegExp(`\\b(${ABBR_MONTHS})[^-/.]*-('?-?\\d+)(?:-('?-?\\d+))?`, 'i'), cb: (m, h) => s3e(h, m[3], monNum(m[1]!), m[2], false) },
  { needs: '9/', re: /('?-?\d+)\/\s*('?\d+)(?:\D\s*('?-?\d+))?/i, cb: (m, h) => s3e(h, m[1], m[2], m[3], false) },
  { needs: '9.', re: /('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)/i, cb: (m, h) => s3e(h, m[1], m[2], m[3], false) },
  // parse_iso2: ISO 8601 week dates (which Time.parse then ignores), --MM-DD, ordinal dates.
  { needs: '9', re: /\b(\d{2}|\d{4})?-?w(\d{2})(?:-?(\d))?\b/i, cb: () => {} },
  { needs: '9', re: /-w-(\d)\b/i, cb: () => {} },
  {
    needs: '9',
    re: /--(\d{2})?-(\d{2})\b/,
    cb: (m, h) => {
      if (m[1] !== undefined) h.mon = num(m[1])
      h.mday = num(m[2]!)
    },
  },
  {
    needs: '9',
    re: /--(\d{2})(\d{2})?\b/,
    cb: (m, h) => {
      h.mon = num(m[1]!)
      if (m[2] !== undefined) h.mday = num(m[2])
    },
  },
  {
    needs: '9',
    re: /\b(\d{2}|\d{4})-(\d{3})\b/,
    cb: (m, h) => {
      h.year = num(m[1]!)
      h.yday = num(m[2]!)
    },
  },
  { needs: '9', re: /\b-(\d{3})\b/, cb: (m, h) => void (h.yday = num(m[1]!)) },
  { needs: '9', re: /'(\d+)\b/, cb: (m, h) => void (h.year = num(m[1]!)) },
  { needs: 'a', re: new RegExp(`\\b(${ABBR_MONTHS})\\S*`, 'i'), cb: (m, h) => void (h.mon = monNum(m[1]!)) },
  { needs: '9', re: /(\d+)(st|nd|rd|th)\b/i, cb: (m, h) => void (h.mday = num(m[1]!)) },
  { needs: '9', re: /([-+]?)(\d{2,14})(?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)?(?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))?/i, cb: parseDddCb },
]
// parse_iso25 and parse_iso26 first make sure the text is not part of something longer.
const ISO2_GUARDS = new Map<RegExp, RegExp>([
  [DATE_PARSERS[12]!.re, /[,.](\d{2}|\d{4})-\d{3}\b/],
  [DATE_PARSERS[13]!.re, /\d-\d{3}\b/],
])

/** date_parse.c parse_ddd_cb(): runs of digits such as 20250131 or 20250131T0815. */
function parseDddCb(m: RegExpExecArray, h: RubyDateHash): void {
  const [, s1, s2 = '', s3, s4, s5] = m
  dddDigits(h, s2, s3 === undefined && s4 !== undefined, s1 === '-')
  dddTime(h, s3, s4)
  if (s4 !== undefined) h.secFraction = fraction(s4)
  if (s5 !== undefined) {
    h.zone = s5
    if (s5.startsWith('[')) {
      const inner = s5.slice(1, -1)
      const colon = inner.indexOf(':')
      h.zone = colon < 0 ? inner : inner.slice(colon + 1)
    }
  }
}

/** parse_ddd_cb's first run of digits: a time read from its end when only a fraction follows it, else a date. */
function dddDigits(h: RubyDateHash, s2: string, timeOnly: boolean, negative: boolean): void {
  const n = (from: number, width: number) => num(s2.slice(from, from + width))
  const neg = (y: number) => (negative ? -y : y)
  if (timeOnly) dddDigitsAsTime(h, s2.length, n, neg)
  else dddDigitsAsDate(h, s2.length, n, neg)
}

type Digits = (from: number, width: number) => number

/** ss, mmss, hhmmss, then ddhhmmss with a month and a year before it; odd lengths have a one-digit first field. */
function dddDigitsAsTime(h: RubyDateHash, l2: number, n: Digits, neg: (y: number) => number): void {
  if (![2, 3, 4, 5, 6, 7, 8, 10, 12, 14].includes(l2)) return
  h.sec = n(l2 - 2, 2)
  if (l2 === 3) h.min = n(l2 - 3, 1)
  if (l2 === 2 || l2 === 3) return
  h.min = n(l2 - 4, 2)
  if (l2 === 5) h.hour = n(l2 - 5, 1)
  if (l2 === 4 || l2 === 5) return
  h.hour = n(l2 - 6, 2)
  if (l2 === 7) h.mday = n(l2 - 7, 1)
  if (l2 === 6 || l2 === 7) return
  h.mday = n(l2 - 8, 2)
  if (l2 >= 10) h.mon = n(l2 - 10, 2)
  if (l2 === 12) h.year = neg(n(l2 - 12, 2))
  if (l2 === 14) {
    h.year = neg(n(l2 - 14, 4))
    h._comp = false
  }
}

/** dd, mmdd, yymmdd, yyyymmdd[hh[mm[ss]]]; odd lengths are ordinal dates (ddd, yyddd, yyyyddd). */
function dddDigitsAsDate(h: RubyDateHash, l2: number, n: Digits, neg: (y: number) => number): void {
  switch (l2) {
    case 2:
      h.mday = n(0, 2)
      break
    case 4:
      h.mon = n(0, 2)
      h.mday = n(2, 2)
      break
    case 6:
      h.year = neg(n(0, 2))
      h.mon = n(2, 2)
      h.mday = n(4, 2)
      break
    case 8:
    case 10:
    case 12:
    case 14:
      h.year = neg(n(0, 4))
      h.mon = n(4, 2)
      h.mday = n(6, 2)
      if (l2 >= 10) h.hour = n(8, 2)
      if (l2 >= 12) h.min = n(10, 2)
      if (l2 >= 14) h.sec = n(12, 2)
      h._comp = false
      break
    case 3:
      h.yday = n(0, 3)
      break
    case 5:
      h.year = neg(n(0, 2))
      h.yday = n(2, 3)
      break
    case 7:
      h.year = neg(n(0, 4))
      h.yday = n(4, 3)
      break
  }
}

/** parse_ddd_cb's time after a `T` (or a space): hhmmss, or read from its end when a fraction follows. */
function dddTime(h: RubyDateHash, s3: string | undefined, s4: string | undefined): void {
  if (s3 !== undefined) {
    const l3 = s3.length
    const t = (from: number) => num(s3.slice(from, from + 2))
    if (l3 === 2 || l3 === 4 || l3 === 6) {
      if (s4 !== undefined) {
        h.sec = t(l3 - 2)
        if (l3 >= 4) h.min = t(l3 - 4)
        if (l3 >= 6) h.hour = t(l3 - 6)
      } else {
        h.hour = t(0)
        if (l3 >= 4) h.min = t(2)
        if (l3 >= 6) h.sec = t(4)
      }
    }
  }
}

/** Which of date_parse.c's character classes a string has: a(lpha), 9 (digit), -, ., /. */
function classes(s: string): string {
  let out = ''
  if (/[A-Za-z]/.test(s)) out += 'a'
  if (/\d/.test(s)) out += '9'
  if (s.includes('-')) out += '-'
  if (s.includes('.')) out += '.'
  if (s.includes('/')) out += '/'
  return out
}

/** Ruby's `Date._parse(str)` with completion of two-digit years, as Time.parse calls it. */
export function rubyDateParse(input: string): RubyDateHash {
  // Ruby 3.1 refuses strings over 128 characters (Date._parse's `limit:`).
  if (input.length > 128) return {}
  const state = { str: input.replace(/[^-+',./:@\p{L}\p{N}[\]]+/gu, ' ') }
  const h: RubyDateHash = { _comp: true }
  const has = (needs: string) => [...needs].every((c) => classes(state.str).includes(c))
  if (has('a')) subx(state, new RegExp(`\\b(${ABBR_DAYS})[^-/\\d\\s]*`, 'i'), h, (m, hh) => void (hh.wday = dayNum(m[1]!)))
  if (has('9')) subx(state, TIME_RE, h, parseTimeCb)
  for (const p of DATE_PARSERS) {
    if (!has(p.needs)) continue
    const guard = ISO2_GUARDS.get(p.re)
    if (guard?.test(state.str)) continue
    if (subx(state, p.re, h, p.cb)) break
  }
  if (has('a')) subx(state, /\b(bc\b|bce\b|b\.c\.|b\.c\.e\.)/i, h, (_, hh) => void (hh._bc = true))
  if (has('9')) {
    subx(state, /^\s*(\d{1,2})\s*$/, h, (m, hh) => {
      const n = num(m[1]!)
      if (hh.hour !== undefined && hh.mday === undefined && n >= 1 && n <= 31) hh.mday = n
      if (hh.mday !== undefined && hh.hour === undefined && n >= 0 && n <= 24) hh.hour = n
    })
  }
  if (h._bc && h.year !== undefined) h.year = -h.year + 1
  if (h._comp && h.year !== undefined && h.year >= 0 && h.year <= 99) h.year += h.year >= 69 ? 1900 : 2000
  delete h._bc
  delete h._comp
  return h
}

// lib/time.rb Time::ZoneOffset, in hours.
const ZONE_OFFSET: Record<string, number> = {
  UTC: 0, Z: 0, UT: 0, GMT: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, I: 9, K: 10, L: 11, M: 12,
  N: -1, O: -2, P: -3, Q: -4, R: -5, S: -6, T: -7, U: -8, V: -9, W: -10, X: -11, Y: -12,
}

/** lib/time.rb Time.zone_offset: seconds east of UTC, or undefined for a zone it does not know. */
export function rubyZoneOffset(zone: string): number | undefined {
  const z = zone.toUpperCase()
  const full = /^([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d))?$/.exec(z)
  if (full) return (full[1] === '-' ? -1 : 1) * ((num(full[2]!) * 60 + num(full[4]!)) * 60 + num(full[5] ?? '0'))
  if (/^[+-]\d\d$/.test(z)) return num(z) * 3600
  if (z in ZONE_OFFSET) return ZONE_OFFSET[z]! * 3600
  return undefined
}

export interface WallClock {
  year: number
  mon: number
  day: number
  hour: number
  min: number
  sec: number
  ms: number
}

/** Ruby's Time.utc/Time.local argument checks; an overflowing day rolls into the next month as Ruby's does. */
export function checkWallClock(w: WallClock): boolean {
  if (w.mon < 1 || w.mon > 12 || w.day < 1 || w.day > 31) return false
  if (w.hour < 0 || w.hour > 24 || w.min < 0 || w.min > 59 || w.sec < 0 || w.sec > 60) return false
  return !(w.hour === 24 && (w.min > 0 || w.sec > 0))
}

/** Epoch ms of wall-clock fields read as UTC, with Ruby's roll-over (Feb 30 → Mar 2, 24:00 → next day). */
export function utcOf(w: WallClock): number {
  const d = new Date(0)
  d.setUTCFullYear(w.year, w.mon - 1, w.day)
  d.setUTCHours(w.hour, w.min, w.sec, w.ms)
  return d.getTime()
}

export const daysInMonth = (year: number, mon: number): number => {
  const d = new Date(0)
  d.setUTCFullYear(year, mon, 0)
  return d.getUTCDate()
}

/**
 * lib/time.rb `Time.parse(input, now)` up to the point where it needs a zone:
 * the wall clock it reads and the offset it applies (undefined: local time,
 * which for Jekyll is the site's `timezone`). `now` fills leading fields left
 * out (`10:00` is today), as Ruby does. Null where Ruby raises ArgumentError.
 */
export function rubyTimeFields(input: string, now: WallClock): { wall: WallClock; offsetSeconds?: number } | null {
  const h = rubyDateParse(input)
  if ([h.year, h.yday, h.mon, h.mday, h.hour, h.min, h.sec, h.secFraction].every((v) => v === undefined)) return null
  const offsetSeconds = h.zone !== undefined ? rubyZoneOffset(h.zone) : undefined
  // Time#utc_offset must lie strictly within a day (ArgumentError "utc_offset out of range").
  if (offsetSeconds !== undefined && Math.abs(offsetSeconds) >= 86400) return null
  let { year, mon, mday: day, hour, min, sec } = h
  let ms = h.secFraction !== undefined ? Math.floor(h.secFraction * 1000) : undefined
  if (h.yday !== undefined) {
    const y = year ?? now.year
    if (h.yday < 1 || h.yday > 366) return null
    const d = new Date(0)
    d.setUTCFullYear(y, 0, h.yday)
    if (d.getUTCFullYear() !== y) return null
    mon = d.getUTCMonth() + 1
    day = d.getUTCDate()
  }
  // Fill from `now` every leading field left out, up to the first one given.
  const fill: Array<[boolean, () => void]> = [
    [year !== undefined, () => (year = now.year)],
    [mon !== undefined, () => (mon = now.mon)],
    [day !== undefined, () => (day = now.day)],
    [hour !== undefined, () => (hour = now.hour)],
    [min !== undefined, () => (min = now.min)],
    [sec !== undefined, () => (sec = now.sec)],
    [ms !== undefined, () => (ms = now.ms)],
  ]
  for (const [given, take] of fill) {
    if (given) break
    take()
  }
  const wall: WallClock = { year: year ?? 1970, mon: mon ?? 1, day: day ?? 1, hour: hour ?? 0, min: min ?? 0, sec: sec ?? 0, ms: ms ?? 0 }
  if (!checkWallClock(wall)) return null
  return offsetSeconds === undefined ? { wall } : { wall, offsetSeconds }
}

// psych/scalar_scanner.rb TIME: what an unquoted YAML scalar must look like to become a Time.
const PSYCH_TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/

/** True when Psych would load this unquoted scalar as a Time. */
export const isPsychTimestamp = (plain: string): boolean => PSYCH_TIME.test(plain)

/**
 * psych/scalar_scanner.rb parse_time: an unquoted YAML timestamp. No offset
 * means UTC (Time.at of the UTC reading), unlike Time.parse. Null when Psych's
 * Time.utc/Time.new would raise (then Psych keeps the string, and Jekyll reads
 * it with Time.parse).
 */
export function psychTimestamp(plain: string): RubyTime | null {
  if (!PSYCH_TIME.test(plain)) return null
  const [date, time = ''] = plain.split(/[ tT](.*)/s)
  const [yy, m, dd] = /^(-?\d{4})-(\d{1,2})-(\d{1,2})/.exec(date!)!.slice(1).map(Number) as [number, number, number]
  const md = /(\d+:\d+:\d+)(?:\.(\d*))?\s*(Z|[-+]\d+(:\d\d)?)?/.exec(time)
  if (!md) return null
  const [hh, mm, ss] = md[1]!.split(':').map(Number) as [number, number, number]
  const wall: WallClock = { year: yy, mon: m, day: dd, hour: hh, min: mm, sec: ss, ms: Math.floor(fraction(md[2] ?? '') * 1000) }
  if (!checkWallClock(wall)) return null
  const rolledOver = dd > daysInMonth(yy, m)
  const utc = utcOf(wall)
  if (md[3] === undefined) return { ms: utc, rolledOver }
  if (md[3] === 'Z') return { ms: utc, offsetMinutes: 0, rolledOver }
  const tz = /^([+-]?\d{1,2}):?(\d{1,2})?$/.exec(md[3])
  // Psych itself fails here (NoMethodError on nil), so Jekyll stops; refuse it too.
  if (!tz) return null
  const hours = Number(tz[1])
  const minutes = Number(tz[2] ?? '0')
  const offset = hours * 60 + (hours < 0 || tz[1]!.startsWith('-') ? -minutes : minutes)
  if (Math.abs(offset) >= 24 * 60) return null
  return { ms: utc - offset * 60000, offsetMinutes: offset, rolledOver }
}
