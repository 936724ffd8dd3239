/**
 * Closers found once per document, not once per opener. kramdown reads a fence
 * or an HTML element with no closer as no block at all, so each opener searches
 * the rest of the text for its closer; a post of many unclosed openers then
 * costs the document's length at each (quadratic). Within one call of marked's
 * `blockTokens`, every `src` a tokenizer gets is a suffix of the string that
 * call began with (it only strips what each token consumed), so the closers of
 * that string, indexed once, answer every opener's search by position.
 *
 * `track` wraps a lexer's `blockTokens` to keep the stack of those strings
 * (nested calls: quotes, list items, `markdown="1"` HTML, footnotes).
 */

import type { Lexer } from 'marked'

interface Fence {
  pos: number
  /** Length of the closing line, without its newline. */
  len: number
  run: number
}

interface TagIndex {
  pos: number[]
  len: number[]
  /** +1 open, -1 close, 0 self-closing (`<div/>`). */
  delta: number[]
  /** For each tag index j, the first index m ≥ j where depth, counted from before j, goes below its start; -1 none. */
  end: Int32Array
}

interface Frame {
  src: string
  fences: Map<string, Fence[]>
  tags: Map<string, TagIndex>
  closers: Map<string, Array<{ pos: number; len: number }>>
  /** Per search, the position before which a search from anywhere is known to fail. */
  misses: Map<string, number>
}

/** One inline text (a call of `inlineTokens`): the same suffix property holds for the `src` its tokenizers and start hints get. */
interface InlineFrame {
  src: string
  /** Per start hint, its last answer: asked from where, and the start it found (Infinity: none). */
  starts: Map<object, { from: number; at: number }>
  /** Per string searched for, where it last occurs in the text (-1: nowhere). */
  lasts: Map<string, number>
}

const stacks = new WeakMap<Lexer, Frame[]>()
const inlineStacks = new WeakMap<Lexer, InlineFrame[]>()

export function track(lexer: Lexer): void {
  const stack: Frame[] = []
  stacks.set(lexer, stack)
  const original = lexer.blockTokens.bind(lexer) as (src: string, tokens?: unknown[], clipped?: boolean) => unknown
  ;(lexer as unknown as { blockTokens: typeof original }).blockTokens = (src, tokens, clipped) => {
    stack.push({ src, fences: new Map(), tags: new Map(), closers: new Map(), misses: new Map() })
    try {
      return original(src, tokens, clipped)
    } finally {
      stack.pop()
    }
  }
  const inline: InlineFrame[] = []
  inlineStacks.set(lexer, inline)
  const originalInline = lexer.inlineTokens.bind(lexer) as (src: string, tokens?: unknown[]) => unknown
  ;(lexer as unknown as { inlineTokens: typeof originalInline }).inlineTokens = (src, tokens) => {
    inline.push({ src, starts: new Map(), lasts: new Map() })
    try {
      return originalInline(src, tokens)
    } finally {
      inline.pop()
    }
  }
}

/** The frame `src` is a suffix of, and its offset there; undefined when untracked or not a suffix. */
function frameOf<F extends { src: string } = Frame>(lexer: Lexer | undefined, src: string, frames: WeakMap<Lexer, F[]> = stacks as unknown as WeakMap<Lexer, F[]>): { frame: F; offset: number } | undefined {
  const frame = lexer && frames.get(lexer)?.at(-1)
  if (!frame || src.length > frame.src.length) return undefined
  const offset = frame.src.length - src.length
  // A cheap guard (the suffix property is marked's; this catches a caller that breaks it).
  if (!frame.src.startsWith(src.slice(0, 32), offset)) return undefined
  return { frame, offset }
}

const lowerBound = (xs: { length: number }, at: (i: number) => number, value: number) => {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (at(mid) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `map`'s value for `key`, made by `make` the first time it is asked for. */
function memoised<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = make()))
  return value
}

/**
 * The first closing fence line (`^ {0,3}c{run,}[ \t]*$`) at or after `from` in `src`, as
 * RegExp.exec would report it on `src.slice(from)`: { index, length }; null when none;
 * undefined when this lexer does not track `src` (the caller searches itself).
 */
export function fenceClose(lexer: Lexer, src: string, from: number, char: string, run: number): { index: number; length: number } | null | undefined {
  const found = frameOf(lexer, src)
  if (!found) return undefined
  const { frame, offset } = found
  const fences = memoised(frame.fences, char, () => {
    const re = new RegExp(`^ {0,3}(${char === '`' ? '`' : '~'}{3,})[ \\t]*$`, 'gm')
    return [...frame.src.matchAll(re)].map((m) => ({ pos: m.index, len: m[0].length, run: m[1]!.length }))
  })
  const start = offset + from
  // Linear in the closers passed over only when they are shorter than the opener (rare: a longer opener).
  for (let i = lowerBound(fences, (k) => fences[k]!.pos, start); i < fences.length; i++) {
    const f = fences[i]!
    if (f.run >= run) return { index: f.pos - start, length: f.len }
  }
  return null
}

/**
 * Index just past the end tag that closes an element of `name` whose content starts at
 * `from` in `src` (kramdown-blocks.ts matchingEnd's answer), -1 for none, undefined when
 * untracked or when a tag straddles `from` (the caller searches itself).
 */
export function tagEnd(lexer: Lexer, src: string, from: number, name: string, raw: boolean): number | undefined {
  const found = frameOf(lexer, src)
  if (!found) return undefined
  const { frame, offset } = found
  const key = `${raw ? 'raw:' : ''}${name}`
  let index = frame.tags.get(key)
  if (!index) {
    index = indexTags(frame.src, name, raw)
    frame.tags.set(key, index)
  }
  const start = offset + from
  const j = lowerBound(index.pos, (k) => index!.pos[k]!, start)
  if (j > 0 && index.pos[j - 1]! + index.len[j - 1]! > start) return undefined
  if (raw) {
    for (let k = j; k < index.pos.length; k++) if (index.delta[k] === -1) return index.pos[k]! + index.len[k]! - offset
    return -1
  }
  const m = j < index.pos.length ? index.end[j]! : -1
  return m < 0 ? -1 : index.pos[m]! + index.len[m]! - offset
}

function indexTags(src: string, name: string, raw: boolean): TagIndex {
  const pos: number[] = []
  const len: number[] = []
  const delta: number[] = []
  for (const m of src.matchAll(new RegExp(`<(/?)${name}(?=[\\s/>])[^>]*>`, 'gi'))) {
    pos.push(m.index)
    len.push(m[0].length)
    delta.push(m[1] ? -1 : raw || m[0].endsWith('/>') ? 0 : 1)
  }
  // V[t] is the depth change before tag t; the element started before tag j ends at the first
  // tag m ≥ j with V[m + 1] < V[j]: a next-smaller-element pass with a stack, linear.
  const n = pos.length
  const v = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) v[i + 1] = v[i]! + delta[i]!
  const end = new Int32Array(n).fill(-1)
  const open: number[] = []
  for (let t = 0; t <= n; t++) {
    while (open.length && v[t]! < v[open[open.length - 1]!]!) {
      const j = open.pop()!
      if (j < n) end[j] = t - 1
    }
    open.push(t)
  }
  return { pos, len, delta, end }
}

/**
 * The first match of `re` (global; `key` names it) at or after `from` in `src`, from the
 * frame's index of every match: { index, length } relative to `src`, null when none,
 * undefined when untracked. For closers whose matches never overlap an opener's.
 */
export function closerAfter(lexer: Lexer, src: string, from: number, key: string, re: RegExp): { index: number; length: number } | null | undefined {
  const found = frameOf(lexer, src)
  if (!found) return undefined
  const { frame, offset } = found
  const list = memoised(frame.closers, key, () => [...frame.src.matchAll(re)].map((m) => ({ pos: m.index, len: m[0].length })))
  const start = offset + from
  const i = lowerBound(list, (k) => list[k]!.pos, start)
  const c = list[i]
  return c ? { index: c.pos - offset, length: c.len } : null
}

/**
 * For a search that, failing from one position, would fail from every later one up to
 * where it stopped (the search reads the same lines to the same dead end): true when an
 * earlier search of `key` in this text failed past `src`'s start.
 */
export function knownMiss(lexer: Lexer, src: string, key: string): boolean {
  const found = frameOf(lexer, src)
  return !!found && found.offset < (found.frame.misses.get(key) ?? -1)
}

/** Records that the search of `key` from `src` failed, and would from anywhere before `until` in it. */
export function recordMiss(lexer: Lexer, src: string, key: string, until: number): void {
  const found = frameOf(lexer, src)
  if (found) found.frame.misses.set(key, found.offset + until)
}

/**
 * A start hint's answer for `src` (the index where an inline extension may next start, or
 * undefined), memoised per inline text: marked asks before each text run, each time for the
 * rest of the text. An answer `at` found from `from` says no start lies in between, and `at`
 * is a start or a place where marked's text rule stops anyway (inline-start.ts); so it is
 * every later start's answer up to `at`, and a long stretch is read once, not once per run.
 */
export function memoStart(lexer: Lexer | undefined, src: string, key: object, compute: (src: string) => number | undefined): number | undefined {
  const found = frameOf(lexer, src, inlineStacks)
  if (!found) return compute(src)
  const { frame, offset } = found
  const last = frame.starts.get(key)
  if (last && last.from <= offset && offset <= last.at) return last.at === Infinity ? undefined : last.at - offset
  const at = compute(src)
  frame.starts.set(key, { from: offset, at: at === undefined ? Infinity : offset + at })
  return at
}

/**
 * Whether `needle` occurs at or after `from` in `src`, an inline tokenizer's text, from where
 * it last occurs in the whole text (found once per text); undefined when untracked. For an
 * opener whose closer is searched to the end of the text at every opener.
 */
export function occursAfter(lexer: Lexer | undefined, src: string, from: number, needle: string): boolean | undefined {
  const found = frameOf(lexer, src, inlineStacks)
  if (!found) return undefined
  const { frame, offset } = found
  return memoised(frame.lasts, needle, () => frame.src.lastIndexOf(needle)) >= offset + from
}
