/**
 * The content folders copied into public/ as they are, for Workers Static
 * Assets to serve before the worker runs (wrangler.toml `[assets]`):
 *
 *   content/static/  at the site root, path for path: the files a Jekyll site
 *                    had Jekyll copy (robots.txt, CNAME, images, a retired
 *                    service worker…), written there by `npm run import`
 *   content/assets/  at /assets/, the writer's own images and files
 *
 * Copied in this order, so content/assets/ wins over a static/assets/ file of
 * the same name; the build's own files (stylesheet, favicon, _headers) are
 * written after both.
 */

import { createHash } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileHashes } from './file-hash.ts'
import { entriesUnder, exists } from './sources.ts'

/** [source, target inside public/] for each entry to copy: static/'s top-level entries one by one, then assets/. */
export async function contentCopies(contentDir: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  const names = await readdir(join(contentDir, 'static')).catch(() => [] as string[])
  for (const name of names.sort()) out.push([join(contentDir, 'static', name), name])
  if (await exists(join(contentDir, 'assets'))) out.push([join(contentDir, 'assets'), 'assets'])
  return out
}

/**
 * `/doc/` → `/doc/index.html` for each index.html among the static files the
 * build scanned (content/static/ and content/assets/; the site root's aside): GitHub Pages serves a folder's index.html at the folder's URL, while
 * static assets here are served at exactly their own path (html_handling
 * "none"), so the folder's URL answers with one 301 to the file.
 */
export function folderIndexRedirects(statics: Array<{ path: string }>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { path } of statics) {
    if (path.endsWith('/index.html') && path !== '/index.html') out[path.slice(0, -'index.html'.length)] = path
  }
  return out
}

/** Names and content hashes of everything the copies bring, so an unchanged set leaves public/ alone. */
export async function copiesDigest(copies: Array<[string, string]>): Promise<string> {
  const hash = createHash('sha256')
  for (const [source, target] of copies) {
    const files = (await stat(source)).isDirectory() ? entriesUnder(source).sort().map((f) => [join(source, f), `${target}/${f}`]) : [[source, target]]
    const hashes = await fileHashes(files.map(([file]) => file!))
    files.forEach(([, name], i) => {
      // Folders are listed too; only files count.
      if (hashes[i] !== undefined) hash.update(`${name}\n`).update(hashes[i]!)
    })
  }
  return hash.digest('hex')
}

// A service-worker script by name (sw.js, service-worker.js, sw.min.js…): see scripts/import/service-worker.ts.
const WORKER_NAME = /^(sw|service-?worker|serviceworker)(\.min)?\.js$/i

/**
 * `_headers` rules for service-worker scripts in static/: the policy every
 * static file gets ends in `sandbox`, which gives a worker an opaque origin,
 * and there the Cache API it needs to clear the old site's caches throws. A
 * worker keeps `default-src 'none'` (it loads nothing) without `sandbox`, and
 * is never cached, so a browser's update check always sees the current one.
 */
export async function workerHeaders(contentDir: string): Promise<string> {
  const dir = join(contentDir, 'static')
  let names: string[] = []
  try {
    names = entriesUnder(dir).map((f) => f.split('\\').join('/'))
  } catch {
    // No static/ folder: no worker scripts.
  }
  return names
    .filter((f) => WORKER_NAME.test(f.slice(f.lastIndexOf('/') + 1)))
    .sort()
    .map((f) => `/${f}\n  ! Content-Security-Policy\n  Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\n  Cache-Control: no-cache\n`)
    .join('')
}
