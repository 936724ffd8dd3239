/**
 * Stage "parse front matter": a source file's text to validated front matter and
 * a Markdown body, with Jekyll's meanings for each key.
 *
 * YAML is read with js-yaml's CORE schema, not the default one, so that
 * `date: 2025-01-31 00:15:00 +09:00` stays the string the writer wrote instead
 * of becoming a JavaScript Date that has lost its offset. One type is added:
 * an unquoted scalar that Psych (Jekyll's YAML) would load as a timestamp is
 * marked as one, because Psych reads it differently from the same text in
 * quotes (src/shared/ruby-time.ts).
 */

import matter from 'gray-matter'
import yaml from 'js-yaml'
import { z } from 'zod'
import { isPsychTimestamp } from '../../src/shared/ruby-time.ts'
import type { PostShown } from '../../src/shared/schema.ts'
import { BuildError } from './errors.ts'
import { LIMITS, yamlWithinLimit } from './limits.ts'
import { shownOf } from './shown.ts'

/** An unquoted YAML scalar Psych loads as a Time; its text as written. */
export class YamlTimestamp {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}


// An implicit type: js-yaml tries it on unquoted scalars only, as Psych's scanner does.
const SCHEMA = new yaml.Schema({
  include: [yaml.CORE_SCHEMA],
  implicit: [
    new yaml.Type('tag:yaml.org,2002:timestamp', {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data === 'string' && isPsychTimestamp(data),
    construct: (data: string) => new YamlTimestamp(data),
      instanceOf: YamlTimestamp,
    }),
  ],
})

export interface ParsedSource {
  data: FrontMatter
  body: string
  /** 1-based line of the file where the Markdown body starts. */
  bodyLine: number
  /** Finds the 1-based file line of a front-matter key, for error messages. */
  lineOf: (key: string) => number
}

const text = z.union([z.string(), z.number(), z.boolean(), z.instanceof(YamlTimestamp)]).transform(String)
const optionalText = z.union([text, z.null()]).optional().transform((v) => v ?? undefined)
const dateValue = z
  .union([z.instanceof(YamlTimestamp).transform((t) => ({ text: t.text, yamlPlain: true })), text.transform((t) => ({ text: t, yamlPlain: false })), z.null()])
  .optional()
  .transform((v) => v ?? undefined)

/** A front-matter date as written, and whether YAML saw it as a timestamp (unquoted). */
export type DateValue = NonNullable<z.output<typeof dateValue>>

// Jekyll takes `tags: a b c` as three tags and `tags: [a, b]` as a list.
const termList = z
  .union([z.string().transform((s) => s.split(/\s+/)), z.array(text), z.number().transform(String), z.null()])
  .optional()
  .transform((v) => (v == null ? [] : Array.isArray(v) ? v : [v]))
  .transform((v) => [...new Set(v.map((s) => s.trim()).filter(Boolean))])

/**
 * `tag:` and `category:`, the singular keys: one name even with spaces in it
 * (`category: Google Cloud` is one category), or a list. Jekyll splits only
 * the plural keys' strings (Utils.pluralized_array_from_hash); absent or null
 * is undefined, because then `tag:` gives way to `tags:`.
 */
const singularTerm = z
  .union([text, z.array(text), z.number().transform(String), z.null()])
  .optional()
  .transform((v) => (v == null ? undefined : [...new Set((Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean))]))

const stringList = z
  .union([z.string(), z.array(z.string()), z.null()])
  .optional()
  .transform((v) => (v == null ? [] : Array.isArray(v) ? v : [v]))

// Chirpy's `image:` is a path or `{ path, alt }` (older themes use `src`).
const image = z
  .union([
    z.string(),
    z.object({ path: z.string().optional(), src: z.string().optional(), alt: optionalText, lqip: z.unknown().optional() }),
    z.null(),
  ])
  .optional()
  // Checked after the union, so a map without a path gets this message, not the union's "Invalid input".
  .transform((v, ctx) => {
    if (v == null) return undefined
    if (typeof v === 'string') return { path: v, alt: '' }
    const path = v.path ?? v.src
    if (!path) {
      ctx.addIssue({ code: 'custom', message: 'has no `path`' })
      return z.NEVER
    }
    return { path, alt: v.alt ?? '' }
  })

// jekyll-feed and Chirpy: `author: Name`, `author: { name, url }`, or a list (`authors:` too).
const person = z.union([z.string().transform((name) => ({ name })), z.object({ name: text, url: z.string().optional() })])
const people = z
  .union([person, z.array(person), z.null()])
  .optional()
  .transform((v) => (v == null ? [] : Array.isArray(v) ? v : [v]).map((p) => ({ ...p, name: p.name.trim() })).filter((p) => p.name))

const bool = (fallback: boolean) =>
  z
    .union([z.boolean(), z.null()])
    .optional()
    .transform((v) => v ?? fallback)

/**
 * Keys a post shows as written: carried unchanged from here to its Post, its
 * stored page record and the API. Their type is the contract's `PostShown`
 * (src/shared/schema.ts), which the compiler holds this object to key for key,
 * so a new one is that interface's line, this one and SHOWN_KEYS's (shown.ts).
 */
const shown = {
  subtitle: optionalText,
} satisfies { [K in keyof Required<PostShown>]: z.ZodType<PostShown[K]> }

const schema = z.looseObject({
  title: z.union([z.string(), z.number(), z.instanceof(YamlTimestamp).transform(String)], { error: (i) => (i.input === undefined ? 'is missing' : 'must be text') })
    .transform(String)
    .refine((s) => s.trim().length > 0, 'is empty'),
  date: dateValue,
  categories: termList,
  category: singularTerm,
  tags: termList,
  tag: singularTerm,
  image,
  description: optionalText,
  excerpt_separator: optionalText,
  published: bool(true),
  permalink: optionalText,
  last_modified_at: dateValue,
  pin: bool(false),
  toc: z.union([z.boolean(), z.null()]).optional().transform((v) => v ?? undefined),
  redirect_from: stringList,
  lang: optionalText,
  slug: optionalText,
  author: people,
  authors: people,
  ...shown,
  render_with_liquid: bool(true),
})

/**
 * Front matter as the build uses it: the schema's output (z.infer) under the
 * build's names, `tag` merged into `tags`, `category` into `categories` and
 * `author` into `authors`, as Jekyll and jekyll-feed read them.
 */
function frontMatterOf(d: z.infer<typeof schema>) {
  const authors = [...d.author, ...d.authors]
  return {
    title: d.title,
    date: d.date,
    // Jekyll's Document#populate_categories: the plural key's names, then the singular key's.
    categories: [...new Set([...d.categories, ...(d.category ?? [])])],
    // Document#populate_tags: `tag:` when it is there, else `tags:`.
    tags: d.tag ?? d.tags,
    image: d.image,
    description: d.description,
    excerptSeparator: d.excerpt_separator,
    published: d.published,
    permalink: d.permalink,
    lastModifiedAt: d.last_modified_at,
    pin: d.pin,
    toc: d.toc,
    redirectFrom: d.redirect_from,
    lang: d.lang,
    slug: d.slug,
    /** Jekyll's `render_with_liquid: false`: the body is Markdown only, its `{% %}` shown as written. */
    renderWithLiquid: d.render_with_liquid,
    /** `author` / `authors` as written: names, or `{ name, url }`. */
    ...(authors.length ? { authors } : {}),
    shown: shownOf(d),
  }
}

export type FrontMatter = ReturnType<typeof frontMatterOf>

const HINTS: Record<string, string> = {
  title: 'add a line such as `title: "My post"` to the front matter',
  date: 'write it as `date: 2025-01-31 00:15:00 +09:00` (time and offset optional)',
  tags: 'use a list (`tags: [a, b]`) or a space-separated string',
  categories: 'use a list (`categories: [a, b]`) or a space-separated string',
  image: 'use a path (`image: /assets/a.png`) or `{ path: …, alt: … }`',
  author: 'write a name (`author: Jane Doe`), `{ name: …, url: … }`, or a list of them',
  authors: 'write a list of names or `{ name: …, url: … }`',
}

function yamlLoad(source: string): object {
  const value = yaml.load(source, { schema: SCHEMA })
  // An alias bomb loads small and expands when walked (limits.ts); `reason` is what the message below shows.
  if (!yamlWithinLimit(value)) throw Object.assign(new Error('aliases'), { reason: `its aliases (\`*name\`) expand to over ${LIMITS.yamlNodes} values` })
  return value ?? {}
}

/** Splits and validates the front matter of one post or page. `path` is for messages. */
export function parseSource(path: string, source: string): ParsedSource {
  const normalised = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (normalised.trim() === '') throw new BuildError(path, 'the file is empty; give it front matter and a body, or delete it')
  const lines = normalised.split('\n')
  if (lines[0]?.trimEnd() !== '---') {
    throw new BuildError(path, 'no front matter: the file must start with a `---` line, then `title:` and `date:`, then `---`', 1)
  }
  const close = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l))
  if (close < 0) throw new BuildError(path, 'the front matter opened here is never closed; add a `---` line after it', 1)

  let parsed: matter.GrayMatterFile<string>
  try {
    parsed = matter(normalised, { engines: { yaml: yamlLoad } })
  } catch (error) {
    const mark = (error as { mark?: { line: number } }).mark
    const reason = (error as { reason?: string }).reason ?? String(error)
    throw new BuildError(path, `front matter is not valid YAML (${reason}); check quotes, colons and indentation`, mark ? Math.min(mark.line + 2, close) : 1)
  }

  const lineOf = (key: string): number => {
    const i = lines.slice(1, close).findIndex((l) => new RegExp(`^${key}\\s*:`).test(l))
    return i < 0 ? 1 : i + 2
  }
  if (typeof parsed.data !== 'object' || Array.isArray(parsed.data)) {
    throw new BuildError(path, 'front matter must be a set of `key: value` lines', 2)
  }

  const result = schema.safeParse(parsed.data)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const key = String(issue.path[0] ?? 'title')
    const hint = HINTS[key.replace(/^(tag|category)$/, '$&s')] ?? 'fix or remove this key'
    throw new BuildError(path, `\`${key}\` ${issue.message}; ${hint}`, lineOf(key))
  }
  return {
    data: frontMatterOf(result.data),
    body: lines.slice(close + 1).join('\n'),
    bodyLine: close + 2,
    lineOf,
  }
}
