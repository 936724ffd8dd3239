/**
 * Jekyll permalinks: its tokens and named styles, with dates on the site's wall
 * clock (Jekyll converts post dates to the configured `timezone`).
 * Reference: jekyllrb.com/docs/permalinks/ and Jekyll::Drops::UrlDrop.
 */

import { jekyllSlugify } from '../../src/shared/slug.ts'
import { zonedParts } from '../../src/shared/time.ts'

const STYLES: Record<string, string> = {
  date: '/:categories/:year/:month/:day/:title:output_ext',
  pretty: '/:categories/:year/:month/:day/:title/',
  ordinal: '/:categories/:year/:y_day/:title:output_ext',
  weekdate: '/:categories/:year/W:week/:short_day/:title:output_ext',
  none: '/:categories/:title:output_ext',
}

export interface PermalinkInput {
  /** The slug from the filename (or `slug:` in front matter). */
  slug: string
  categories: string[]
  ms: number
  timeZone: string
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function dayOfYear(y: number, m: number, d: number): number {
  return (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86400000 + 1
}

function isoWeek(y: number, m: number, d: number): number {
  const date = new Date(Date.UTC(y, m - 1, d))
  const day = date.getUTCDay() || 7
  date.setUTCDate(date.getUTCDate() + 4 - day)
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1)
  return Math.ceil(((date.getTime() - yearStart) / 86400000 + 1) / 7)
}

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** The pattern a permalink style name stands for (`date` → `/:categories/:year/…`); a pattern as it is. */
export const permalinkTemplate = (pattern: string): string => STYLES[pattern] ?? pattern

/** The decoded path of a post for a permalink pattern or style name. */
export function permalink(pattern: string, input: PermalinkInput): string {
  const template = permalinkTemplate(pattern)
  const p = zonedParts(input.ms, input.timeZone)
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()
  const tokens: Record<string, string> = {
    year: String(p.year),
    short_year: pad(p.year % 100),
    month: pad(p.month),
    i_month: String(p.month),
    short_month: SHORT_MONTHS[p.month - 1]!,
    day: pad(p.day),
    i_day: String(p.day),
    y_day: pad(dayOfYear(p.year, p.month, p.day), 3),
    week: pad(isoWeek(p.year, p.month, p.day)),
    short_day: SHORT_DAYS[weekday]!,
    hour: pad(p.hour),
    minute: pad(p.minute),
    second: pad(p.second),
    title: jekyllSlugify(input.slug, 'pretty', true),
    slug: jekyllSlugify(input.slug),
    // Jekyll lower-cases categories and joins them, without slugifying.
    categories: [...new Set(input.categories.map((c) => c.toLowerCase()))].join('/'),
    output_ext: '.html',
  }
  // Longest names first so :short_year is not read as :short + _year.
  const names = Object.keys(tokens).sort((a, b) => b.length - a.length)
  const re = new RegExp(`:(${names.join('|')})`, 'g')
  const path = template.replace(re, (_, name: string) => tokens[name]!)
  return normalisePath(path)
}

/** Collapses empty segments (an empty :categories) and makes the path absolute. */
export function normalisePath(path: string): string {
  const collapsed = `/${path}`.replace(/\/{2,}/g, '/')
  return collapsed
}
