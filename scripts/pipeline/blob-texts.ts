/**
 * The blob store's texts by hash, some made only when read. A build in a new
 * process knows the hash of most records without their JSON (record-sums.ts:
 * an unchanged post's body and feed entry), and of most packs without joining
 * their members (pack-names.ts); of those it writes, uploads or seeds only
 * what is new, so stringifying ~40 MB at 1,000 posts to learn hashes it
 * already had was most of an edit's rebuild.
 *
 * It is a Map of strings to every reader: `get` and iteration make a pending
 * text on first use and keep it, so code that reads the store (writes, the
 * deploy, the tests) sees every blob whole.
 */
/** A text made by `make` on first read and kept; `make` is dropped then, with all it holds. */
export interface LazyText {
  readonly made: boolean
  text: () => string
}

export function lazyText(make: () => string): LazyText {
  let pending: (() => string) | undefined = make
  let text: string | undefined
  return {
    get made() {
      return text !== undefined
    },
    text: () => {
      if (text === undefined) {
        text = pending!()
        pending = undefined
      }
      return text
    },
  }
}

export class BlobTexts extends Map<string, string> {
  private readonly pending = new Map<string, () => string>()

  /** A blob whose text `make` gives when first read; `make` must give the text `hash` names. */
  lazy(hash: string, make: () => string): this {
    if (super.has(hash) && !this.pending.has(hash)) return this
    super.set(hash, '')
    this.pending.set(hash, make)
    return this
  }

  /** Whether the text of `hash` is made (or was given). */
  made(hash: string): boolean {
    return super.has(hash) && !this.pending.has(hash)
  }

  /**
   * The text of `hash` as a function that holds what makes it but not this
   * map (a session keeps its search base's blobs past the build, search-index.ts);
   * a pending text is made once, by whichever of the two reads it first.
   */
  textOf(hash: string): (() => string) | undefined {
    if (!super.has(hash)) return undefined
    const make = this.pending.get(hash)
    if (!make) {
      const text = super.get(hash)!
      return () => text
    }
    const shared = lazyText(make)
    this.pending.set(hash, shared.text)
    return shared.text
  }

  override get(hash: string): string | undefined {
    const make = this.pending.get(hash)
    if (!make) return super.get(hash)
    const text = make()
    this.pending.delete(hash)
    super.set(hash, text)
    return text
  }

  override set(hash: string, text: string): this {
    this.pending?.delete(hash)
    return super.set(hash, text)
  }

  override delete(hash: string): boolean {
    this.pending.delete(hash)
    return super.delete(hash)
  }

  override clear(): void {
    this.pending.clear()
    super.clear()
  }

  override *entries(): MapIterator<[string, string]> {
    for (const hash of super.keys()) yield [hash, this.get(hash)!]
  }

  override *values(): MapIterator<string> {
    for (const hash of super.keys()) yield this.get(hash)!
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries()
  }

  override forEach(each: (text: string, hash: string, map: Map<string, string>) => void, self?: unknown): void {
    for (const [hash, text] of this.entries()) each.call(self, text, hash, this)
  }
}
