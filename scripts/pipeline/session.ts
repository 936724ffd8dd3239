/**
 * BuildSession: everything one build leaves for the next in the same process
 * (`npm start`, the benchmark), and nothing anywhere else. A build without a
 * session makes a fresh one, so its memos last for that build only.
 *
 * The memos are pure: each maps an object (or content) to a value derived from
 * it alone, so keeping one only saves work. They are owned here rather than by
 * the modules that fill them, so two sessions never see each other's values.
 */

import type { ChunkRecord, Manifest, MarkdownRecord, PostLink, PostLinksRecord } from '../../src/shared/schema.ts'
import type { OwnRecords } from './assemble.ts'
import { RenderCache } from './cache.ts'
import { restoreFileHashes } from './file-hash.ts'
import type { Hashed } from './manifest.ts'
import { PackMemo } from './packs.ts'
import type { Page, Post } from './posts.ts'
import type { Built } from './quick.ts'
import type { Stamped } from './read.ts'
import { RecordSums } from './record-sums.ts'
import type { Analysed, SearchBase } from './search-index.ts'
import type { LayoutMemo } from './search-layout.ts'

/** What assemble.ts keeps between the epochs of a build and across builds. */
export interface AssemblyMemo {
  /** A post's own records (meta, entry, body), made once per post object. */
  own: WeakMap<Post, OwnRecords>
  /** Related lists by a signature of what they depend on; the most recent few. */
  related: Map<string, Map<string, PostLink[]>>
  /** Chunk records by their items, shared by every list and epoch that holds the same chunk. */
  chunks: Map<string, ChunkRecord>
  /** A post's links record, with the neighbours and related list it was made from. */
  links: WeakMap<Post, { prev?: Post; next?: Post; related: PostLink[]; record: PostLinksRecord }>
  /** A post's Markdown record (machine-readers.ts), made once per post object. */
  markdown: WeakMap<Post, { siteUrl: string; record: MarkdownRecord; key?: string }>
  /** The signatures of the related lists the cache folder holds (related-memo.ts), comma-joined. */
  relatedOnDisk?: string
  /** Sums of posts' bodies and entries by render-cache key, across processes (record-sums.ts). */
  sums: RecordSums
}

export class BuildSession {
  /** Parsed posts and pages by render-cache key: an unchanged file gives back the very object of last time. */
  posts = new Map<string, Post | Page>()
  /** Each file the last build kept, by absolute path: its stat stamp and key, so an unchanged one is not read again (read.ts). */
  stamps = new Map<string, Stamped>()
  /** The last build's search base, to measure the next delta against. */
  search?: SearchBase
  /** The last build's manifest: the next one dates its changes against it (history.ts). */
  previous?: Manifest
  /** The render cache, read from disk once per process rather than once per build. */
  cache?: { dir: string; cache: RenderCache }

  /** Records already stringified and hashed, by object (manifest.ts, BlobStore). */
  readonly hashed = new WeakMap<object, Hashed>()
  readonly assembly: AssemblyMemo = { own: new WeakMap(), related: new Map(), chunks: new Map(), markdown: new WeakMap(), links: new WeakMap(), sums: new RecordSums() }
  /** Each post's search analysis (search-index.ts). */
  readonly analysis = new WeakMap<Post, Analysed>()
  /** The last build's packs, by their members (packs.ts). */
  readonly packs = new PackMemo()
  /** The search index's last layout, to patch (search-layout.ts). */
  readonly layout: LayoutMemo = {}
  /** Render-cache keys of each post's derived values (derive.ts), so a kept post marks them used without hashing its HTML again. */
  readonly derived = new WeakMap<Post, string[]>()

  /** The last build whole, when the caller asked for quick patches (index.ts, onQuick): what quick.ts patches. */
  built?: Built

  /** What a finished build leaves for the next: its manifest, the files it kept and its search base. */
  remember(build: { manifest: Manifest; read: { kept: Map<string, Post | Page>; stamps: Map<string, Stamped> }; search: SearchBase; built?: Built }): void {
    this.previous = build.manifest
    this.built = build.built
    this.posts = build.read.kept
    this.stamps = build.read.stamps
    this.search = build.search
    this.packs.rotate()
  }

  /** The render cache in `dir`, opened once per session; none without a folder. */
  async openCache(dir: string | undefined): Promise<RenderCache | undefined> {
    if (!dir) return undefined
    if (this.cache?.dir === dir) {
      this.cache.cache.begin()
      return this.cache.cache
    }
    // With it, the files' hashes an earlier process kept beside it (file-hash.ts): the images and public/ stages look them up.
    const [cache] = await Promise.all([RenderCache.open(dir), restoreFileHashes(dir)])
    this.cache = { dir, cache }
    return cache
  }
}
