/**
 * Reads `content/site.yml`, whose keys mean what they mean in Jekyll's
 * `_config.yml` (title, description, url, author, lang, timezone, permalink,
 * paginate), and validates it.
 */

import yaml from 'js-yaml'
import { z } from 'zod'
import type { SiteConfig } from '../../src/shared/schema.ts'
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
  url: z
    .string()
    .url()
    .transform((u) => u.replace(/\/+$/, '')),
  baseurl: z.string().default(''),
  author: author.default({ name: '' }),
  lang: z.string().default('en'),
  timezone: z.string().default('UTC').refine(isValidTimeZone, 'is not an IANA timezone name such as Asia/Tokyo'),
  permalink: z.string().default('/:year/:month/:title/'),
  paginate: z.number().int().min(1).max(100).default(10),
})

export function parseSiteConfig(file: string, source: string): SiteConfig {
  let data: unknown
  try {
    data = yaml.load(source.replace(/^\uFEFF/, ''), { schema: yaml.CORE_SCHEMA }) ?? {}
  } catch (error) {
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
  }
}
