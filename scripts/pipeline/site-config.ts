/**
 * Reads `content/site.yml`, whose keys mean what they mean in Jekyll's
 * `_config.yml` (title, description, url, author, lang, timezone, permalink,
 * paginate), and validates it.
 */

import yaml from 'js-yaml'
import { LIMITS, yamlWithinLimit } from './limits.ts'
import { z } from 'zod'
import type { CommentsConfig, SiteConfig } from '../../src/shared/schema.ts'
import { isValidTimeZone } from '../../src/shared/time.ts'
import { BuildError } from './errors.ts'

const author = z.union([
  z.string().transform((name) => ({ name })),
  z.object({ name: z.string(), url: z.string().optional(), email: z.string().optional() }),
])

const schema = z.object({
  title: z.string().min(1),
  description: z.string().default(''),
  tagline: z.string().optional(),
  // http(s) only: every canonical, feed and API link starts with it, so `javascript:` would be live in each.
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\/[^/?#\s]+/i.test(u), 'must be an http(s) URL such as https://example.com')
    .transform((u) => u.replace(/\/+$/, '')),
  baseurl: z.string().default(''),
  author: author.default({ name: '' }),
  lang: z.string().default('en'),
  timezone: z.string().default('UTC').refine(isValidTimeZone, 'is not an IANA timezone name such as Asia/Tokyo'),
  permalink: z.string().default('/:year/:month/:title/'),
  paginate: z.number().int().min(1).max(100).default(10),
  avatar: z.string().optional(),
  social: z.array(z.object({ name: z.string().min(1), url: z.string().url() })).optional(),
  favicon: z.string().optional(),
  comments: z
    .discriminatedUnion('provider', [
      z.object({ provider: z.literal('utterances'), repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/), issue_term: z.string().default('pathname'), label: z.string().optional(), theme: z.string().optional() }),
      z.object({
        provider: z.literal('giscus'),
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
        repo_id: z.string(),
        category: z.string(),
        category_id: z.string(),
        mapping: z.string().default('pathname'),
        strict: z.boolean().optional(),
        reactions_enabled: z.boolean().optional(),
        input_position: z.enum(['top', 'bottom']).optional(),
        lang: z.string().optional(),
        theme: z.string().optional(),
      }),
      z.object({ provider: z.literal('disqus'), shortname: z.string().regex(/^[\w-]+$/) }),
    ])
    .optional(),
  analytics: z
    .object({ google: z.string().regex(/^G-[A-Z0-9]+$/).optional(), goatcounter: z.string().regex(/^[\w-]+$/).optional(), cloudflare: z.string().regex(/^[0-9a-f]{32}$/).optional() })
    .optional(),
  license: z.object({ name: z.string().min(1), url: z.string().url().optional() }).optional(),
  hub: z.string().url().optional(),
  typography: z.enum(['kramdown', 'plain']).optional(),
  taxonomy_paginate: z.number().int().min(1).max(100000).optional(),
  redirects: z.record(z.string(), z.string()).optional(),
  kv_writes_per_day: z.number().int().min(1).optional(),
})

type Parsed = z.infer<typeof schema>

function commentsOf(c: NonNullable<Parsed['comments']>): CommentsConfig {
  switch (c.provider) {
    case 'utterances':
      return { provider: 'utterances', repo: c.repo, issueTerm: c.issue_term, ...(c.label ? { label: c.label } : {}), ...(c.theme ? { theme: c.theme } : {}) }
    case 'giscus':
      return {
        provider: 'giscus',
        repo: c.repo,
        repoId: c.repo_id,
        category: c.category,
        categoryId: c.category_id,
        mapping: c.mapping,
        ...(c.strict !== undefined ? { strict: c.strict } : {}),
        ...(c.reactions_enabled !== undefined ? { reactions: c.reactions_enabled } : {}),
        ...(c.input_position ? { inputPosition: c.input_position } : {}),
        ...(c.lang ? { lang: c.lang } : {}),
        ...(c.theme ? { theme: c.theme } : {}),
      }
    case 'disqus':
      return { provider: 'disqus', shortname: c.shortname }
  }
}

/** Keys present in site.yml only: an absent key stays absent in the record. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

export function parseSiteConfig(file: string, source: string): SiteConfig {
  if (Buffer.byteLength(source) > LIMITS.configBytes) throw new BuildError(file, `is over ${LIMITS.configBytes / 1048576} MiB; a site's settings fit in a few KiB, so remove what is not a setting`)
  let data: unknown
  try {
    data = yaml.load(source.replace(/^\uFEFF/, ''), { schema: yaml.CORE_SCHEMA }) ?? {}
    if (!yamlWithinLimit(data)) throw new BuildError(file, `its YAML aliases (\`*name\`) expand to over ${LIMITS.yamlNodes} values; write the values out`)
  } catch (error) {
    if (error instanceof BuildError) throw error
    const mark = (error as { mark?: { line: number } }).mark
    throw new BuildError(file, `not valid YAML: ${(error as { reason?: string }).reason ?? error}`, mark ? mark.line + 1 : undefined)
  }
  const result = schema.safeParse(data)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const key = String(issue.path[0] ?? '')
    const lines = source.split(/\r?\n/)
    const line = lines.findIndex((l) => l.startsWith(`${key}:`)) + 1
    throw new BuildError(file, `\`${key}\` ${issue.message}`, line || undefined)
  }
  const c = result.data
  return {
    title: c.title,
    description: c.description || c.tagline || '',
    url: c.url + c.baseurl.replace(/\/+$/, ''),
    author: c.author,
    lang: c.lang,
    timezone: c.timezone,
    permalink: c.permalink,
    paginate: c.paginate,
    ...defined({
      tagline: c.tagline,
      avatar: c.avatar,
      social: c.social,
      favicon: c.favicon,
      comments: c.comments ? commentsOf(c.comments) : undefined,
      analytics: c.analytics,
      license: c.license,
      hub: c.hub,
      typography: c.typography,
      taxonomyPaginate: c.taxonomy_paginate,
      redirects: c.redirects,
      kvWritesPerDay: c.kv_writes_per_day,
    }),
  }
}
