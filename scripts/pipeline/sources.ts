/**
 * Stage "discover", and the file reads of stages "config" and "read": the
 * content folder is read here and nowhere else. Everything after works on the
 * SourceFile values returned here.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { BuildError, BuildErrors } from './errors.ts'

export type SourceKind = 'post' | 'draft' | 'page'

export interface SourceFile {
  kind: SourceKind
  /** Path relative to the content folder, with `/`: `posts/2025-01-31-x.md`. */
  path: string
  text: string
}

const MARKDOWN = /\.(md|markdown)$/i
// A page may also be HTML with front matter, as a Jekyll page may: Liquid runs, Markdown does not.
const PAGE = /\.(md|markdown|html)$/i

/**
 * Strings in code-unit order, as `ls` sorts names in the C locale: fixed by the strings alone.
 * The build's sorts use it, not localeCompare, whose first call loads ICU's collator (~7 ms of
 * every build in a new process).
 */
export const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const byName = (a: { name: string }, b: { name: string }): number => codeUnitOrder(a.name, b.name)

async function walk(dir: string, pattern = MARKDOWN): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const files: string[] = []
  for (const entry of entries.sort(byName)) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) for (const f of await walk(full, pattern)) files.push(f)
    else if (entry.isFile() && pattern.test(entry.name)) files.push(full)
  }
  return files
}

/**
 * Every entry under `dir` (folders too), relative to it with the platform's
 * separator: what `readdirSync(dir, { recursive: true })` lists, in another
 * order. Node 20's recursive listing stats each entry to learn whether it is
 * a folder; one listing with file types per folder knows it already, which
 * on the imported 168-post blog was ~1,000 stats of static/, public/ and the
 * code per build. A link to a folder is followed, as there.
 */
export function entriesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of readdirSync(rel ? join(dir, rel) : dir, { withFileTypes: true })) {
      const name = rel ? join(rel, entry.name) : entry.name
      out.push(name)
      if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(dir, name), { throwIfNoEntry: false })?.isDirectory())) walk(name)
    }
  }
  walk('')
  return out
}

/**
 * Whether content/posts/ holds at least `count` Markdown files, counted
 * without reading them (a cold build decides by it whether to start a
 * second thread before it discovers its sources, index.ts earlyPool).
 */
export function countSources(contentDir: string, count: number): boolean {
  let names: string[]
  try {
    names = entriesUnder(join(contentDir, 'posts'))
  } catch {
    return false
  }
  let n = 0
  for (const name of names) if (MARKDOWN.test(name) && ++n >= count) return true
  return false
}

/** A Markdown source found by `discover`: its kind and absolute path. */
export interface Found {
  kind: SourceKind
  file: string
}

/** Lists Markdown sources: posts always, drafts only when asked. */
export async function discover(contentDir: string, drafts: boolean): Promise<Found[]> {
  const kinds: SourceKind[] = drafts ? ['post', 'draft', 'page'] : ['post', 'page']
  const folders: Record<SourceKind, string> = { post: 'posts', draft: 'drafts', page: 'pages' }
  const found = await Promise.all(kinds.map(async (kind) => (await walk(join(contentDir, folders[kind]), kind === 'page' ? PAGE : MARKDOWN)).map((file) => ({ kind, file }))))
  return found.flat()
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A file's path relative to the content folder, with `/`: what SourceFile.path and errors name it by. */
export const contentPath = (contentDir: string, file: string): string => relative(contentDir, file).split(sep).join('/')

/** Reads a source as strict UTF-8, naming the file when it is not. */
export async function read(contentDir: string, kind: SourceKind, file: string): Promise<SourceFile> {
  const path = contentPath(contentDir, file)
  const bytes = await readFile(file)
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new BuildError(path, 'is not valid UTF-8; re-save it with UTF-8 encoding')
  }
  return { kind, path, text }
}

/**
 * What a regular file's stat says of its content (undefined for anything else): size, change times and inode. A file
 * whose stamp is as it was has not been written since (editors that save by
 * rename give a new inode; writes in place move mtime and ctime), so a rebuild
 * in the same process need not read it again.
 */
export function stampOf(file: string): string | undefined {
  // Synchronous: a stat of a file the kernel has cached takes microseconds, where each promise-based
  // one costs a trip through libuv's thread pool (a thousand files: ~3 ms against ~40).
  const s = statSync(file, { bigint: true, throwIfNoEntry: false })
  return s?.isFile() ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}` : undefined
}

/** A small file's text (site.yml, a record of the build's), or undefined when there is none; read synchronously, as stampOf stats. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** A file served as it is from public/: where, and the content file it comes from. */
export interface StaticFile {
  path: string
  source: string
}

/**
 * Walks all of content/ with lstat, before any file in it is read: a symbolic
 * link anywhere is refused, naming it (a link in assets/ to a large folder
 * outside used to be walked and hashed before its refusal, and a link loop
 * crashed the build). Kumo follows no links at all: a link that stays inside
 * content/ is as easy to replace with the file as one that leaves it.
 * Returns the files static/ and assets/ serve, at their URL paths.
 */
export async function scanContent(contentDir: string): Promise<StaticFile[]> {
  const links: BuildError[] = []
  const files: string[] = []
  const walkAll = async (dir: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const entry of entries.sort(byName)) {
      const full = join(dir, entry.name)
      const rel = relative(contentDir, full).split(sep).join('/')
      if (entry.isSymbolicLink()) links.push(new BuildError(rel, 'is a symbolic link; Kumo follows none in content/ (README "Limits"): copy the file itself here'))
      else if (entry.isDirectory()) await walkAll(full)
      else if (entry.isFile()) files.push(rel)
    }
  }
  await walkAll(contentDir)
  if (links.length) throw new BuildErrors(links)
  // A file in assets/ wins over static/assets/ of the same name (static-files.ts copies it last).
  const own = new Set(files.filter((f) => f.startsWith('assets/')).map((f) => `/${f}`))
  const served: StaticFile[] = files.filter((f) => f.startsWith('assets/')).map((f) => ({ path: `/${f}`, source: f }))
  for (const f of files) if (f.startsWith('static/') && !own.has(f.slice('static'.length))) served.push({ path: f.slice('static'.length), source: f })
  return served
}
