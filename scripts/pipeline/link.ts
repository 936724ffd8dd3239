/**
 * Stage "link": now that every URL is known, `{% post_url %}` placeholders
 * become URLs and no two files may claim one URL. Any error from the stages
 * before stops the build here, naming every bad file at once.
 */

import { BuildError, BuildErrors } from './errors.ts'
import { POST_URL_MARK } from './liquid.ts'
import type { Page, Post } from './posts.ts'
import type { Rendered } from './render.ts'

export interface Linked {
  posts: Post[]
  pages: Page[]
  /** The posts this build publishes (drafts only when asked), scheduled ones included. */
  included: Post[]
}

export function link(rendered: Rendered, drafts: boolean): Linked {
  const errors = [...rendered.errors]
  let { posts, pages } = rendered
  if (errors.length === 0) {
    const byName = postNames(posts)
    posts = resolvePostUrls(posts, byName, errors)
    pages = resolvePostUrls(pages, byName, errors)
  }
  if (errors.length) throw new BuildErrors(errors)
  checkCollisions(posts, pages)
  return { posts, pages, included: posts.filter((p) => p.published || drafts) }
}

function checkCollisions(posts: Post[], pages: Page[]): void {
  const seen = new Map<string, string>()
  const errors: BuildError[] = []
  for (const item of [...posts, ...pages]) {
    const other = seen.get(item.path)
    if (other) errors.push(new BuildError(item.source, `has the same URL ${item.path} as ${other}; change one file's permalink, slug or date`))
    else seen.set(item.path, item.source)
  }
  if (errors.length) throw new BuildErrors(errors)
}

/**
 * Whether a parsed file holds a placeholder, remembered by object: a session's
 * rebuild gets most posts back as the same objects (read.ts), and scanning
 * every post's HTML again was most of this stage in a one-post rebuild.
 */
const marked = new WeakMap<object, boolean>()
function hasPostUrls(item: Post | Page): boolean {
  let has = marked.get(item)
  if (has === undefined) marked.set(item, (has = item.html.includes(POST_URL_MARK)))
  return has
}

/**
 * Swaps `{% post_url name %}` placeholders (liquid.ts) for the named post's URL.
 * An unknown name is an error, as in Jekyll. A post that had any becomes a
 * copy: the parsed original stays as the render cache gave it, for the next build.
 */
function resolvePostUrls<T extends Post | Page>(items: T[], byName: Map<string, string>, errors: BuildError[]): T[] {
  const re = new RegExp(`${POST_URL_MARK}([^\\s"'<>)]+)`, 'g')
  return items.map((item) => {
    if (!hasPostUrls(item)) return item
    const resolve = (text: string, report: boolean) =>
      text.replace(re, (whole, name: string) => {
        let decoded = name
        try {
          decoded = decodeURIComponent(name) // marked percent-encodes non-ASCII hrefs
        } catch {}
        const path = byName.get(decoded.replace(/^.*\//, '').replace(/\.(md|markdown)$/i, ''))
        if (path) return path
        if (report) errors.push(new BuildError(item.source, `\`{% post_url ${name} %}\` names no post; use a file name from posts/ without its extension`))
        return whole
      })
    // A post's Markdown, for machine readers, names the same URLs as its HTML.
    const markdown = 'markdown' in item ? { markdown: resolve(item.markdown, false) } : {}
    return { ...item, ...markdown, html: resolve(item.html, true), feedHtml: undefined }
  })
}

const postNames = (posts: Post[]) => new Map(posts.map((p) => [p.source.replace(/^.*\//, '').replace(/\.(md|markdown)$/i, ''), p.path]))
