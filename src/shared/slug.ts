/**
 * Slugs as Jekyll and Chirpy make them, so that migrated URLs stay the same.
 */

import type { Term } from './schema.ts'

/**
 * A tag or category slug: the name lower-cased, runs of white space turned into
 * `-`, every other character kept (CJK included). These are the URLs Chirpy
 * blogs already have. `/` is the one exception: it would split the path.
 */
export function termSlug(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '-').replaceAll('/', '-')
}

export function toTerm(name: string): Term {
  return { name, slug: termSlug(name) }
}

export type SlugifyMode = 'raw' | 'default' | 'pretty' | 'ascii'

// Ruby's [[:alnum:]] on a UTF-8 string is Unicode-aware, hence \p{L}\p{N} (and marks).
const MODE_PATTERNS: Record<SlugifyMode, RegExp> = {
  raw: /\s+/gu,
  default: /[^\p{L}\p{M}\p{N}]+/gu,
  pretty: /[^\p{L}\p{M}\p{N}._~!$&'()+,;=@]+/gu,
  ascii: /[^a-zA-Z0-9]+/g,
}

/** Jekyll::Utils.slugify: used for the :title (pretty, cased) and :slug (default) tokens. */
export function jekyllSlugify(input: string, mode: SlugifyMode = 'default', cased = false): string {
  const slug = input.replace(MODE_PATTERNS[mode], '-').replace(/^-+|-+$/g, '')
  return cased ? slug : slug.toLowerCase()
}
