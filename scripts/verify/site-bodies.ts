/**
 * Both sides of the body comparison for a whole Jekyll site:
 *
 * - Jekyll's: a reference build (scripts/verify/jekyll.ts writes it: bodies/
 *   with every layout a stub printing `<article data-kumo-ref="body">…`, and
 *   reference.json naming each post's source and output file).
 * - Kumo's: the site imported into a temporary content folder with
 *   scripts/import, then built with the pipeline's build(), as a migrating
 *   writer would; each post's record HTML.
 *
 * Posts are matched by source file name (Jekyll's `_posts/x/2024-01-01-a.md`
 * is Kumo's `posts/x/2024-01-01-a.md`).
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import yaml from 'js-yaml'
import { importJekyll } from '../import/index.ts'
import { BuildErrors } from '../pipeline/errors.ts'
import { build, type BuildResult } from '../pipeline/index.ts'
import type { PostBodyRecord } from '../../src/shared/schema.ts'
import { compareBodies, type BodiesReport } from './bodies.ts'

/**
 * The key both sides share, without extension: Jekyll's source path with its `_posts/` taken out
 * (`en/_posts/a.md` → `en/a`), or Kumo's path under `posts/`, where the importer puts the folders
 * above `_posts/` (`posts/en/a.md`). A multilingual site's `_posts/a.md` and `en/_posts/a.md` are
 * two posts, so the folder above must stay in the key.
 */
export const postKey = (path: string) =>
  (path.includes('_posts/') ? path.replace(/(^|\/)_posts\//, '$1') : path.replace(/^(?:.*\/)?posts\//, '')).replace(/\.(md|markdown)$/i, '')

const BODY_OPEN = /<article data-kumo-ref="body"[^>]*>/

/** Post key → body HTML, from a reference build folder (bodies/ + reference.json). */
export async function jekyllBodies(refDir: string): Promise<Map<string, string>> {
  const ref = JSON.parse(await readFile(join(refDir, 'reference.json'), 'utf8')) as { posts: Array<{ path: string; output: string }> }
  const out = new Map<string, string>()
  // Two posts with one URL (`_posts/en/a.md` and `_posts/jp/a.md` where the build had no
  // jekyll-polyglot to set them apart) share one output file, and the post Jekyll wrote last,
  // the last in reference.json (site.posts order), is the one on disk: only it is compared.
  const writer = new Map(ref.posts.map((post) => [post.output, post.path]))
  for (const post of ref.posts) {
    if (writer.get(post.output) !== post.path) continue
    const page = await readFile(join(refDir, 'bodies', post.output), 'utf8').catch(() => undefined)
    if (page === undefined) continue
    const open = BODY_OPEN.exec(page)
    out.set(postKey(post.path), open ? page.slice(open.index + open[0].length, page.lastIndexOf('</article>')) : page)
  }
  return out
}

/**
 * Every post page record a build made (drafts and scheduled posts included).
 * A blob is one record's JSON, or several records' JSON a line each (a pack):
 * JSON text has no raw line feed, so each line is one record either way.
 */
export function* postRecords(result: BuildResult): Iterable<PostBodyRecord> {
  for (const blob of result.blobs.values()) {
    if (!blob.includes('"kind":"post"')) continue
    for (const json of blob.split('\n')) {
      if (!json.includes('"kind":"post"')) continue
      const record = JSON.parse(json) as PostBodyRecord
      if (record.kind === 'post') yield record
    }
  }
}

export interface KumoBodies {
  bodies: Map<string, string>
  /** Files the build refused, one line each (the rest were still compared). */
  errors: string[]
}

/** Post key → body HTML as Kumo builds the imported site. */
export async function kumoBodies(siteDir: string): Promise<KumoBodies> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-bodies-'))
  try {
    const contentDir = join(tmp, 'content')
    await importJekyll(siteDir, contentDir)
    const options = { contentDir, outDir: join(tmp, 'dist'), publicDir: join(tmp, 'public'), drafts: false }
    const errors: string[] = []
    let result
    try {
      result = await build(options)
    } catch (error) {
      if (!(error instanceof BuildErrors)) throw error
      // Compare what does build: the refused files are named, not fatal here.
      errors.push(...error.errors.map((e) => e.message))
      for (const e of error.errors) await rm(join(contentDir, e.file), { force: true })
      result = await build(options)
    }
    const bodies = new Map<string, string>()
    for (const record of postRecords(result)) bodies.set(postKey(record.source), record.html)
    return { bodies, errors }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

export interface SiteBodiesReport extends BodiesReport {
  /** Posts Jekyll built that Kumo did not (not imported, refused, or future-dated), and the reverse. */
  onlyJekyll: string[]
  onlyKumo: string[]
  errors: string[]
}

interface JekyllConfig {
  kramdown?: { syntax_highlighter_opts?: { default_lang?: unknown } }
}

/** The site's _config.yml (empty when it has none or it does not parse: the build would have said so). */
export async function siteConfig(siteDir: string): Promise<JekyllConfig> {
  try {
    const config = yaml.load(await readFile(join(siteDir, '_config.yml'), 'utf8'), { schema: yaml.DEFAULT_SAFE_SCHEMA })
    return config && typeof config === 'object' ? (config as JekyllConfig) : {}
  } catch {
    return {}
  }
}

/** Compares every post body of a Jekyll site with its reference build. */
export async function verifySiteBodies(siteDir: string, refDir: string): Promise<SiteBodiesReport> {
  const [jekyll, kumo, config] = await Promise.all([jekyllBodies(refDir), kumoBodies(siteDir), siteConfig(siteDir)])
  const pairs = [...jekyll].filter(([k]) => kumo.bodies.has(k)).map(([id, html]) => ({ id, jekyll: html, kumo: kumo.bodies.get(id)! }))
  const defaultLang = config.kramdown?.syntax_highlighter_opts?.default_lang
  return {
    ...compareBodies(pairs, { defaultLang: typeof defaultLang === 'string' ? defaultLang : undefined }),
    onlyJekyll: [...jekyll.keys()].filter((k) => !kumo.bodies.has(k)),
    onlyKumo: [...kumo.bodies.keys()].filter((k) => !jekyll.has(k)),
    errors: kumo.errors,
  }
}
