/**
 * Stage "assets": the files the build adds to the static-assets folder (the
 * stylesheet under a content-hashed name, the favicon, Workers Static Assets'
 * `_headers`) and the template hash that is part of every ETag. It reads the
 * worker's own sources (src/), and of the content folder only the names of
 * service-worker scripts under static/.
 */

import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { staticAssetHeaders } from '../../src/shared/headers.ts'
import { filesUnder, hashByStamps } from './code-hash.ts'
import { sha256 } from './manifest.ts'
import { workerHeaders } from './static-files.ts'
import type { OutputFile } from './write.ts'

export interface Assets {
  /** For public/: the stylesheet first (buildToDisk keeps earlier ones beside it). */
  files: OutputFile[]
  /** URL paths the site record names. */
  css: string
  favicon: string
  /** Hash of every source file that shapes a rendered response. */
  template: string
}

const SRC_DIR = fileURLToPath(new URL('../../src/', import.meta.url))
const STYLE = join(SRC_DIR, 'views', 'style.css')
const FAVICON = join(SRC_DIR, 'views', 'favicon.svg')

const HEADERS = `# Workers Static Assets headers (written by the build).
${staticAssetHeaders()}/_kumo/*
  Cache-Control: public, max-age=31536000, immutable
/assets/*
  Cache-Control: public, max-age=3600, s-maxage=86400
`

/** `contentDir`: its static/ service-worker scripts get their own `_headers` rule (static-files.ts). */
export async function assets(contentDir: string): Promise<Assets> {
  // Synchronous: two small files the kernel has cached, where an awaited read waits behind the
  // render cache's writes in libuv's thread pool (4–17 ms of a one-post edit, against < 0.1).
  const style = readFileSync(STYLE, 'utf8')
  const css = `_kumo/style.${sha256(style).slice(0, 10)}.css`
  const files: OutputFile[] = [
    { path: css, data: style },
    { path: 'favicon.svg', data: readFileSync(FAVICON) },
    { path: '_headers', data: HEADERS + (await workerHeaders(contentDir)) },
  ]
  return { files, css: `/${css}`, favicon: '/favicon.svg', template: await templateHash() }
}

/** Hash of every source file that shapes a rendered response: part of every ETag. Read again only when a stamp moved (code-hash.ts). */
async function templateHash(): Promise<string> {
  const files = filesUnder(SRC_DIR, /\.(tsx?|css|svg)$/)
  return hashByStamps('template-hash', files.map((f) => join(SRC_DIR, f)), () => hashOfFiles(files))
}

async function hashOfFiles(files: string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (f) => `${f}\n${await readFile(join(SRC_DIR, f), 'utf8')}`))
  return sha256(parts.join('\n')).slice(0, 16)
}
