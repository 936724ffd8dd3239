/**
 * What a feed carries instead of a post's HTML when the HTML is too long for
 * it: the cover, the summary and a link to the post. Used by the build for a
 * post over a feed page's bound (scripts/pipeline/feed-entry.ts) and by the
 * JSON Feed renderer for HTML over JSON_STRING_LIMIT.
 */

import { strings } from './i18n.ts'
import { xml } from './xml.ts'

/**
 * The longest string value a JSON Feed item carries. clarinet, the streaming
 * parser under the feedme package, refuses any JSON string of 64 KiB or more
 * (its MAX_BUFFER_LENGTH); a reader built on it would drop the whole page.
 */
export const JSON_STRING_LIMIT = 64_000

/** `<p><img></p>` for a cover image, first in an entry's content. */
export const coverHtml = (src: string, alt: string): string => `<p><img src="${xml(src)}" alt="${xml(alt)}"></p>\n`

export function summaryHtml(entry: { summary: string; lang: string; image?: string; imageAlt?: string }, url: string): string {
  const cover = entry.image ? coverHtml(entry.image, entry.imageAlt ?? '') : ''
  return `${cover}<p>${xml(entry.summary)}</p>\n<p><a href="${xml(url)}">${xml(strings(entry.lang).readWhole)}</a></p>`
}
