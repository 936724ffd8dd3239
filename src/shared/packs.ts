/**
 * Packs: many records in one KV value, so a build is cut into fewer keys (the
 * Workers Free plan allows 1,000 KV writes a day; a first deploy writes every
 * key). Shared by the build, which packs, and the worker, which unpacks.
 *
 * A pack is its members' JSON joined by line feeds, stored as any blob under
 * the hash of its whole text. Wherever the manifest (or a search doc table)
 * names a record it holds a *ref*: a plain blob hash, or
 * `<pack hash>@<offset>+<length>`, the member's place in the pack's text in
 * UTF-16 units (what `kv.get` returns and what the build's strings count), so
 * the worker parses only the member it needs, never the whole pack. Records
 * in one pack are read with one key, so a post page (its body and its links)
 * is still one bulk read.
 */

/** The blob a ref is in: the pack's hash, or the ref itself when it is a plain hash. */
export function refBlob(ref: string): string {
  const at = ref.indexOf('@')
  return at < 0 ? ref : ref.slice(0, at)
}

/** A member's ref in the pack `hash`. */
export const packRef = (hash: string, offset: number, length: number): string => `${hash}@${offset}+${length}`

const MEMBER = /^[^@]+@(\d{1,9})\+(\d{1,9})$/

/**
 * The text a ref names in its blob's text: the member of a pack, or the whole
 * blob. Throws when the ref's span does not fit the blob (a corrupt or
 * mismatched value): better a failed page than a record cut in half.
 */
export function memberText(blob: string, ref: string): string {
  if (!ref.includes('@')) return blob
  const m = MEMBER.exec(ref)
  if (!m) throw new Error(`ref ${ref} is not <hash>@<offset>+<length>`)
  const [offset, length] = [Number(m[1]), Number(m[2])]
  if (offset + length > blob.length) throw new Error(`ref ${ref} reaches past the end of its ${blob.length}-unit pack`)
  return blob.slice(offset, offset + length)
}

/** Joins members into a pack's text; `offsets[i]` is where member i starts. */
export function packText(members: string[]): { text: string; offsets: number[] } {
  const offsets: number[] = []
  let at = 0
  for (const m of members) {
    offsets.push(at)
    at += m.length + 1
  }
  return { text: members.join('\n'), offsets }
}

/** The text a ref names, from blobs by hash (the build's output, a seeded namespace); undefined when its blob is absent. */
export function refText(blobs: ReadonlyMap<string, string>, ref: string): string | undefined {
  const blob = blobs.get(refBlob(ref))
  return blob === undefined ? undefined : memberText(blob, ref)
}
