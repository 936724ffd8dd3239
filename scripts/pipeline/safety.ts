/**
 * Build safety: every URL path a source makes (permalink, slug, redirect_from,
 * tag and category pages) must be a clean path on this site, and every image
 * URL must be http(s) or a path. A path with `..`, a NUL, a control character or
 * a backslash could never be requested as written (the WHATWG URL parser
 * rewrites it), or could be read by some tool as a file-system path, so it is
 * an error naming the file and the key, not something to guess at.
 *
 * Route paths are KV manifest keys, never file names: the only files the build
 * writes are the fixed names in index.ts, joined with `safeJoin` (write.ts).
 */

import type { ImageRef, Term } from '../../src/shared/schema.ts'
import { categoryPath, tagPath } from '../../src/shared/paths.ts'
import { isSafeUrl } from '../../src/shared/urls.ts'
import { BuildError } from './errors.ts'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** Why a decoded URL path is unsafe, or undefined when it is a clean absolute path. */
export function urlPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL character'
  if (CONTROL.test(path)) return 'contains a control character'
  if (path.includes('\\')) return 'contains a backslash'
  if (!path.startsWith('/') || path.startsWith('//')) return 'is not a path on this site (it must start with a single `/`)'
  if (path.split('/').some((s) => s === '.' || s === '..')) return 'contains a `.` or `..` segment'
  return undefined
}

export interface UrlFields {
  path: string
  redirectFrom: string[]
  tags: Term[]
  categories: Term[]
  image?: ImageRef
}

/** Throws a BuildError naming the file, key and line of the first unsafe URL in a post or page. */
export function checkUrls(file: string, fields: UrlFields, lineOf: (key: string) => number): void {
  const fail = (key: string, value: string, problem: string, hint: string): never => {
    const line = lineOf(key)
    const what = line > 1 ? `\`${key}\`` : key === 'slug' ? 'the file name with the `permalink` of site.yml' : `\`${key}\``
    throw new BuildError(file, `${what} gives the URL ${JSON.stringify(value)}, which ${problem}; ${hint}`, line > 1 ? line : undefined)
  }
  // Front matter keys are never on line 1 (the opening `---`): lineOf gives 1 for an absent key.
  const pathKey = lineOf('permalink') > 1 ? 'permalink' : 'slug'
  const problem = urlPathProblem(fields.path)
  if (problem) fail(pathKey, fields.path, problem, 'write a path such as `/2025/01/my-post/`')
  for (const from of fields.redirectFrom) {
    const p = urlPathProblem(from)
    if (p) fail('redirect_from', from, p, 'list old paths such as `/old/url/`')
  }
  for (const [key, terms, pathOf] of [['tags', fields.tags, tagPath], ['categories', fields.categories, categoryPath]] as const) {
    for (const term of terms) {
      const p = urlPathProblem(pathOf(term.slug))
      if (p) fail(key, pathOf(term.slug), p, `rename the ${key === 'tags' ? 'tag' : 'category'} ${JSON.stringify(term.name)}`)
    }
  }
  if (fields.image) {
    const src = fields.image.src
    if (!isSafeUrl(src) || CONTROL.test(src)) fail('image', src, 'is not an http(s) URL or a path', 'use a path such as `/assets/cover.png` or an https:// URL')
  }
}

/** Path → inline-script hashes, for the manifest (see `Manifest.scriptHashes`); items without scripts are left out. */
export function scriptHashesByPath(items: Array<{ path: string; scriptHashes: string[] }>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const item of items) if (item.scriptHashes.length > 0) out[item.path] = item.scriptHashes
  return out
}
