/**
 * The content-hash cache: a rebuild of unchanged content reuses the earlier
 * parse + render of each file (the costly part: Markdown, highlighting).
 *
 * An entry's key is the sha256 of everything its output depends on: the source
 * text and path, the site config, and the renderer version (a hash of the build
 * code that turns a source into a Post and of package-lock.json, so upgrading
 * marked or highlight.js invalidates every entry). Entries live one per file
 * under `<dir>/<key[0..2]>/<key>.json`; entries a successful build did not use
 * are pruned, so the cache never grows past one build's worth.
 */

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sha256 } from './manifest.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

// The code a cached Post depends on; a change to any of them is a new renderer.
const RENDERER_FILES = [
  'scripts/build/cache.ts',
  'scripts/build/front-matter.ts',
  'scripts/build/html.ts',
  'scripts/build/ial.ts',
  'scripts/build/liquid.ts',
  'scripts/build/markdown.ts',
  'scripts/build/permalink.ts',
  'scripts/build/posts.ts',
  'scripts/build/text.ts',
  'src/shared/schema.ts',
  'src/shared/slug.ts',
  'src/shared/time.ts',
  'package-lock.json',
]

let version: Promise<string> | undefined

/** Hash of the renderer's code and locked dependencies. */
export function rendererVersion(): Promise<string> {
  version ??= Promise.all(RENDERER_FILES.map((f) => readFile(join(ROOT, f), 'utf8').catch(() => ''))).then((parts) =>
    sha256(parts.join('\0')),
  )
  return version
}

export class RenderCache {
  private readonly used = new Set<string>()
  hits = 0
  misses = 0

  constructor(private readonly dir: string) {}

  key(...parts: string[]): string {
    return sha256(parts.join('\0'))
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`)
  }

  async get<T>(key: string): Promise<T | undefined> {
    this.used.add(key)
    try {
      const value = JSON.parse(await readFile(this.file(key), 'utf8')) as T
      this.hits++
      return value
    } catch {
      this.misses++
      return undefined
    }
  }

  /** Best effort: a cache that cannot be written only makes the next build slower. */
  async set(key: string, value: unknown): Promise<void> {
    this.used.add(key)
    const file = this.file(key)
    try {
      await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true })
      await writeFile(file, JSON.stringify(value))
    } catch {
      // ignored on purpose, see above
    }
  }

  /** Removes entries this build did not use. */
  async prune(): Promise<void> {
    let shards: string[]
    try {
      shards = await readdir(this.dir)
    } catch {
      return
    }
    await Promise.all(
      shards.map(async (shard) => {
        const names = await readdir(join(this.dir, shard)).catch(() => [] as string[])
        await Promise.all(
          names.filter((n) => !this.used.has(n.replace(/\.json$/, ''))).map((n) => rm(join(this.dir, shard, n), { force: true })),
        )
      }),
    )
  }
}
