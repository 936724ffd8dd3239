/**
 * What Jekyll 4.3 reads from a site folder (Jekyll::Reader#read_directories):
 * posts from every `_posts/` (and drafts from `_drafts/`), documents of each
 * collection, and in every other folder Jekyll does not filter out, pages
 * (files that start with a YAML front-matter line) and static files (all the
 * rest, copied as they are: a Markdown file with no front matter too).
 */

import { lstat, open, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EntryFilter, type JekyllConfig } from './config.ts'
import { ImportError } from './errors.ts'

export interface TextFile {
  /** Path from the site root, with `/`. */
  rel: string
  text: string
}

export interface Collection {
  name: string
  output: boolean
  permalink?: string
  docs: TextFile[]
  statics: string[]
}

export interface Inventory {
  posts: string[]
  drafts: string[]
  pages: TextFile[]
  statics: string[]
  collections: Collection[]
}

// Jekyll::Document::DATE_FILENAME_MATCHER: a post's file name starts with its date.
export const POST_FILENAME = /^(?:.+\/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^./]+)$/

function cannot(path: string, error: unknown): ImportError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error)
  return new ImportError(`${path}: cannot be read (${code}); check its permissions, or add it to \`exclude:\` in _config.yml`)
}

/** Utils.has_yaml_header?: the first line is `---` (trailing spaces allowed). */
async function hasFrontMatter(path: string): Promise<boolean> {
  let handle
  try {
    handle = await open(path, 'r')
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0)
    return /^---[ \t\r]*\n/.test(buffer.subarray(0, bytesRead).toString('latin1'))
  } catch (error) {
    throw cannot(path, error)
  } finally {
    await handle?.close()
  }
}

async function readText(site: string, rel: string): Promise<TextFile> {
  try {
    return { rel, text: await readFile(join(site, rel), 'utf8') }
  } catch (error) {
    throw cannot(join(site, rel), error)
  }
}

async function entries(site: string, rel: string) {
  // A folder the importer reads must be a real one: a symbolic `_posts` (or collection) could lead
  // anywhere on the machine, and what is behind it would be copied into content/.
  if (rel && (await lstat(join(site, rel)).then((s) => s.isSymbolicLink(), () => false))) {
    throw new ImportError(`${join(site, rel)}: is a symbolic link; the importer copies real files only, so put the folder itself in the site`)
  }
  try {
    return (await readdir(join(site, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  } catch (error) {
    throw cannot(join(site, rel) || site, error)
  }
}

/** Every file under a magic folder (`_posts`, `_drafts`, `_tabs`), filtered as Jekyll filters names inside them. */
async function filesUnder(site: string, rel: string, filter: EntryFilter): Promise<string[]> {
  const out: string[] = []
  for (const e of await entries(site, rel)) {
    const child = `${rel}/${e.name}`
    if (!filter.keepsInside(e.name)) continue
    if (e.isDirectory()) out.push(...(await filesUnder(site, child, filter)))
    else if (e.isFile()) out.push(child)
  }
  return out
}

const join2 = (a: string, b: string) => (a ? `${a}/${b}` : b)

export async function readInventory(site: string, config: JekyllConfig): Promise<Inventory> {
  const filter = new EntryFilter(config)
  const inv: Inventory = { posts: [], drafts: [], pages: [], statics: [], collections: [] }
  const collectionsDir = typeof config.collections_dir === 'string' ? config.collections_dir.replace(/^\/+|\/+$/g, '') : ''

  async function walk(rel: string): Promise<void> {
    for (const e of await entries(site, rel)) {
      const child = join2(rel, e.name)
      if (e.isSymbolicLink() && (e.name === '_posts' || e.name === '_drafts')) await entries(site, child) // refuses it, naming it
      if (e.isDirectory() && e.name === '_posts' && rel.startsWith(collectionsDir)) {
        inv.posts.push(...(await filesUnder(site, child, filter)).filter((f) => POST_FILENAME.test(f.slice(child.length + 1))))
        continue
      }
      if (e.isDirectory() && e.name === '_drafts' && rel === collectionsDir) {
        inv.drafts.push(...(await filesUnder(site, child, filter)))
        continue
      }
      if (!filter.keeps(child, e.isDirectory())) continue
      if (e.isDirectory()) await walk(child)
      else if (e.isFile()) {
        if (await hasFrontMatter(join(site, child))) inv.pages.push(await readText(site, child))
        else inv.statics.push(child)
      }
      // Symbolic links: Jekyll in safe mode (GitHub Pages) skips them, and so does the importer.
    }
  }
  await walk('')

  const declared = config.collections
  const names = Array.isArray(declared) ? declared.filter((n): n is string => typeof n === 'string') : Object.keys((declared ?? {}) as object)
  for (const name of names.filter((n) => n !== 'posts')) {
    const meta = (Array.isArray(declared) ? {} : ((declared as Record<string, unknown>)[name] ?? {})) as { output?: unknown; permalink?: unknown }
    const dir = join2(collectionsDir, `_${name}`)
    const files = await filesUnder(site, dir, filter).catch((e: unknown) => {
      if (e instanceof ImportError && /ENOENT/.test(e.message)) return [] as string[]
      throw e
    })
    const collection: Collection = { name, output: meta.output === true, ...(typeof meta.permalink === 'string' ? { permalink: meta.permalink } : {}), docs: [], statics: [] }
    for (const f of files) {
      if (await hasFrontMatter(join(site, f))) collection.docs.push(await readText(site, f))
      else collection.statics.push(f)
    }
    inv.collections.push(collection)
  }
  return inv
}
