/**
 * What `npm run new -- "标题 or Title"` does (scripts/new.ts): creates content/posts/YYYY-MM-DD-<slug>.md
 * with front matter and the current time in the site's timezone.
 *
 * The file name, and so the URL, gets an ASCII slug: the title transliterated
 * by the `transliteration` package (offline; Chinese becomes toneless pinyin,
 * "DeepSeek，大国竞争" → "deepseek-da-guo-jing-zheng"), or `post-HHMM` when
 * nothing of the title is left in ASCII. Rename the file to change the slug.
 */

import { open, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { slugify } from 'transliteration'
import { parseSiteConfig } from './pipeline/site-config.ts'
import { zonedParts, zoneOffsetMinutes } from '../src/shared/time.ts'

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const MAX_SLUG = 60

/** An ASCII slug of a title: lower case, a-z 0-9 and single dashes, cut at a word. */
export function asciiSlug(title: string): string {
  const slug = slugify(title, { lowercase: true, separator: '-' })
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= MAX_SLUG) return slug
  const cut = slug.slice(0, MAX_SLUG + 1)
  return (cut.includes('-') ? cut.slice(0, cut.lastIndexOf('-')) : cut.slice(0, MAX_SLUG)).replace(/-+$/, '')
}

/** The front matter date Jekyll reads: wall-clock time in the site's zone, with its offset. */
export function siteTime(ms: number, timeZone: string): { day: string; hhmm: string; date: string } {
  const p = zonedParts(ms, timeZone)
  const off = zoneOffsetMinutes(ms, timeZone)
  const sign = off < 0 ? '-' : '+'
  const day = `${p.year}-${pad(p.month)}-${pad(p.day)}`
  const offset = `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`
  return { day, hhmm: `${pad(p.hour)}${pad(p.minute)}`, date: `${day} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${offset}` }
}

export async function newPost(contentDir: string, title: string, now = Date.now()): Promise<string> {
  const site = parseSiteConfig('site.yml', await readFile(join(contentDir, 'site.yml'), 'utf8'))
  const time = siteTime(now, site.timezone)
  const slug = asciiSlug(title) || `post-${time.hhmm}`
  const file = join(contentDir, 'posts', `${time.day}-${slug}.md`)
  // JSON strings are YAML double-quoted scalars: quotes, colons and CJK are safe.
  const text = `---\ntitle: ${JSON.stringify(title)}\ndate: ${time.date}\ntags: []\ncategories: []\n---\n\nWrite here.\n`
  // 'wx': never overwrite a post that is already there.
  const handle = await open(file, 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new Error(`${relative(contentDir, file)} already exists; pick another title or rename that file`)
    throw error
  })
  await handle.writeFile(text)
  await handle.close()
  return file
}
