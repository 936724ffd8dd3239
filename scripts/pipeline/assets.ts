/**
 * Stage "assets": the files the build adds to the static-assets folder (the
 * stylesheet under a content-hashed name, the favicon, Workers Static Assets'
 * `_headers`) and the template hash that is part of every ETag. It reads the
 * worker's own sources (src/), and of the content folder only the names of
 * service-worker scripts under static/.
 */

import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { staticAssetHeaders } from '../../src/shared/headers.ts'
import { sha256 } from './manifest.ts'
import { stampOf } from './sources.ts'
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
  const style = await readFile(STYLE, 'utf8')
  const css = `_kumo/style.${sha256(style).slice(0, 10)}.css`
  const files: OutputFile[] = [
    { path: css, data: style },
    { path: 'favicon.svg', data: await readFile(FAVICON) },
    { path: '_headers', data: HEADERS + (await workerHeaders(contentDir)) },
  ]
  return { files, css: `/${css}`, favicon: '/favicon.svg', template: await templateHash() }
}

/** The last template hash, by the stat stamps of the files it read (as file-hash.ts: for the process's life). */
let lastTemplate: { stamps: string; hash: string } | undefined

/** Hash of every source file that shapes a rendered response: part of every ETag. */
async function templateHash(): Promise<string> {
  const files = (await readdir(SRC_DIR, { recursive: true })).filter((f) => /\.(tsx?|css|svg)$/.test(f)).sort()
  // A rebuild in the same process (npm start) reads the ~60 files again only when one changed.
  const stamps = files.map((f) => `${f}\0${stampOf(join(SRC_DIR, f))}`).join('\n')
  if (lastTemplate?.stamps === stamps) return lastTemplate.hash
  const hash = await hashOfFiles(files)
  lastTemplate = { stamps, hash }
  return hash
}

async function hashOfFiles(files: string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (f) => `${f}\n${await readFile(join(SRC_DIR, f), 'utf8')}`))
  return sha256(parts.join('\n')).slice(0, 16)
}
