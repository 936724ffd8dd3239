/**
 * `npm run build` with nothing changed since the last build does nothing, as
 * make does: the build's output is a function of its inputs and its now, so
 * when every input file is stamped as it was (stat: size, mtime, ctime, inode)
 * and the now cannot matter, dist/ and public/ already hold what a build would
 * write (its id hashes content only, manifest.ts), and the command says so in
 * about the time Node takes to start instead of a second or more of reading
 * and hashing the render cache.
 *
 * The inputs: the content folder, the code (scripts/, src/, package-lock.json)
 * and the outputs themselves (a deleted or edited output is built again):
 * each file of dist/ the build wrote (the record lists them: stat-ing ~200
 * named files costs ~2 ms where listing dist/blobs/'s 256 folders cost ~10),
 * and all of public/, which is served whole. The now matters when a
 * scheduled post's time has come, or with drafts (an undated draft takes the
 * build's now): then it always builds.
 *
 * The record lives in the cache folder, so `--no-cache` (and deleting the
 * cache) always builds.
 */

import { readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Manifest } from '../../src/shared/schema.ts'
import { sha256 } from './manifest.ts'
import type { BuildSummary } from './summary.ts'
import { entriesUnder, stampOf } from './sources.ts'
import { writeFileAtomic } from './write.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RECORD = 'last-build.json'
const CODE = ['scripts', 'src', 'package-lock.json']

export interface Dirs {
  contentDir: string
  outDir: string
  publicDir: string
  cacheDir: string
}

/** What the last build said, to say again. */
export interface LastBuild {
  summary: BuildSummary
  warnings: string[]
}

interface Record extends LastBuild {
  inputs: string
  outputs: string
  /** dist/'s files the build wrote, relative to it. */
  files: string[]
}

/** Every file under `path` (or `path` itself) by name and stamp, in name order; '' when there is nothing. */
export function treeStamp(path: string): string {
  const top = statSync(path, { throwIfNoEntry: false })
  if (!top) return ''
  const names = top.isDirectory() ? entriesUnder(path).sort() : ['']
  const lines: string[] = []
  for (const name of names) {
    const stamp = stampOf(join(path, name))
    if (stamp !== undefined) lines.push(`${name}\0${stamp}`)
  }
  return lines.join('\n')
}

/** The build's inputs: the content folder and the code, with where they are. */
function inputsOf(dirs: Dirs): string {
  const trees = [dirs.contentDir, ...CODE.map((p) => join(ROOT, p))].map((p) => `${resolve(p)}\n${treeStamp(p)}`)
  return sha256(trees.join('\0'))
}

/** The build's outputs as they stand on disk: `files` of dist/, and public/. */
function outputsOf(dirs: Dirs, files: string[]): string {
  const dist = files.map((file) => `${file}\0${stampOf(join(dirs.outDir, file)) ?? ''}`).join('\n')
  return sha256(`${resolve(dirs.outDir)}\n${dist}\0${resolve(dirs.publicDir)}\n${treeStamp(dirs.publicDir)}`)
}

const isFiles = (x: unknown): x is string[] => Array.isArray(x) && x.every((f) => typeof f === 'string')

/** Whether a build now could differ from the one in `dist/` only by the time: no scheduled post has come due since. */
async function timeless(outDir: string, nowMs: number): Promise<boolean> {
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as Manifest
  return manifest.schedule.every((step) => step.at > nowMs)
}

/**
 * The last build's summary and warnings when nothing it was made from has
 * changed since; else undefined. `inputs`: startInputs(dirs), when the caller
 * has it already (it is one stat of every file of content/ and the code).
 */
export async function unchangedBuild(dirs: Dirs, options: { drafts: boolean; nowMs: number; inputs?: string }): Promise<LastBuild | undefined> {
  if (options.drafts) return undefined
  try {
    // Synchronous, as the stamps are taken: a record of some KB the kernel has cached.
    const record = JSON.parse(readFileSync(join(dirs.cacheDir, RECORD), 'utf8')) as Record
    if (!isFiles(record.files) || record.inputs !== (options.inputs ?? inputsOf(dirs)) || record.outputs !== outputsOf(dirs, record.files)) return undefined
    return (await timeless(dirs.outDir, options.nowMs)) ? { summary: record.summary, warnings: record.warnings } : undefined
  } catch {
    return undefined // no record yet, or no dist/: build
  }
}

/** The inputs as a build starts, taken before it reads any: what `recordBuild` notes the build as made from. */
export const startInputs = (dirs: Dirs): string => inputsOf(dirs)

/**
 * Notes a written build, whose files in dist/ are `files`, as made from the
 * inputs as it started. An input that changed while it ran is stamped
 * otherwise now (a write moves its ctime), so the next build finds them
 * different and runs in full: the same as noting nothing, without stamping
 * content/ and the code a second time.
 */
export async function recordBuild(dirs: Dirs, started: string, last: LastBuild, files: string[]): Promise<void> {
  const record: Record = { inputs: started, outputs: outputsOf(dirs, files), files, ...last }
  await writeFileAtomic(join(dirs.cacheDir, RECORD), JSON.stringify(record))
}
