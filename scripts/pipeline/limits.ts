/**
 * The build's limits. Each is far above what a real blog has (the largest post
 * in the 10,000-post bench corpus is ~40 KiB, the deepest list in real posts
 * 4 levels) and exists so that one hostile or broken file gets a clear error
 * instead of a stalled or crashed build. README "Limits" lists them.
 */

import { BuildError } from './errors.ts'

export const LIMITS = {
  /** Bytes in one post or page source (front matter and body). */
  sourceBytes: 4 * 1024 * 1024,
  /** Containers (`>` quotes and list items) nested inside one another. */
  nestingDepth: 48,
  /** Tags plus categories on one post. */
  termsPerPost: 1000,
  /** Routes one build serves (posts, pages, listings, feeds, …). */
  routesPerBuild: 2_000_000,
  /** Bytes in site.yml or an imported _config.yml. */
  configBytes: 1024 * 1024,
  /** Values a YAML document may expand to, aliases counted at every use (an alias bomb expands to billions). */
  yamlNodes: 200_000,
} as const

const FENCE = /^ {0,3}(`{3,}|~{3,})/
// One container opening at the start of what is left of a line: a quote marker or a list marker,
// with the task box marked reads after it (`- [ ] - [ ] …` nests as deep as `- - …`).
const CONTAINER = /^[ \t]{0,3}(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)(?:[ \t]+\[[ xX]\](?=[ \t]))?)[ \t]?/
const LIST_MARKER = /^([ \t]*)(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)/

/** The width of leading whitespace, tabs to the next multiple of 4 (as Markdown counts them). */
function indentWidth(ws: string): number {
  let w = 0
  for (const c of ws) w = c === '\t' ? w + 4 - (w % 4) : w + 1
  return w
}

/**
 * How deeply containers nest at each line: the `>` and list markers a line
 * opens, plus the list items it sits inside by indentation. One pass, linear
 * in the text; fenced code is skipped. An estimate that errs high only for
 * oddly indented lists, which stay far below the limit.
 */
export function nestingDepth(body: string): { depth: number; line: number } {
  let deepest = { depth: 0, line: 0 }
  let fence: string | undefined
  const stack: number[] = [] // indentation of the open list items
  let n = 0
  for (let pos = 0; pos <= body.length; n++) {
    const nl = body.indexOf('\n', pos)
    const line = body.slice(pos, nl < 0 ? body.length : nl)
    pos = nl < 0 ? body.length + 1 : nl + 1
    const open = FENCE.exec(line)?.[1]
    if (fence) {
      if (open && open[0] === fence[0] && open.length >= fence.length && line.trim() === open) fence = undefined
      continue
    }
    if (open) fence = open
    if (line.trim() === '') continue
    let rest = line
    let quotes = 0
    for (let m = /^[ \t]{0,3}>[ \t]?/.exec(rest); m; m = /^[ \t]{0,3}>[ \t]?/.exec(rest)) {
      quotes++
      rest = rest.slice(m[0].length)
    }
    const marker = LIST_MARKER.exec(rest)
    if (marker) {
      const w = indentWidth(marker[1]!)
      while (stack.length && stack[stack.length - 1]! >= w) stack.pop()
      stack.push(w)
    } else if (quotes === 0 && !/^[ \t]/.test(rest)) stack.length = 0
    // Containers opened on this very line after the first (`- - - x`, `> - > x`).
    let inline = 0
    for (let m = marker ? CONTAINER.exec(rest.trimStart()) : null, r = rest.trimStart(); m; ) {
      r = r.slice(m[0].length)
      m = CONTAINER.exec(r)
      if (m) inline++
    }
    const depth = quotes + stack.length + inline
    if (depth > deepest.depth) deepest = { depth, line: n + 1 }
  }
  return deepest
}

/** Refuses a source over the size limit, before its front matter is parsed. */
export function checkSize(file: string, text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > LIMITS.sourceBytes) {
    throw new BuildError(file, `is ${(bytes / 1048576).toFixed(1)} MiB, over the ${LIMITS.sourceBytes / 1048576} MiB a post or page may be; split it into several posts`)
  }
}

/** Refuses a body nested deeper than the limit, naming the line of the deepest nesting. */
export function checkNesting(file: string, text: string, body: string): void {
  const { depth, line } = nestingDepth(body)
  if (depth <= LIMITS.nestingDepth) return
  // The body's first line in the file: the lines of the whole file less the body's own.
  const bodyLine = countLines(text) - countLines(body) + 1
  throw new BuildError(file, `quotes (\`>\`) and lists nest ${depth} deep here, over the limit of ${LIMITS.nestingDepth}; flatten them`, bodyLine + line - 1)
}

function countLines(s: string): number {
  let n = 1
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++
  return n
}

/** Refuses a post with more tags and categories than any index page can show. */
export function checkTerms(file: string, count: number, line: number): void {
  if (count > LIMITS.termsPerPost) throw new BuildError(file, `has ${count} tags and categories, over the limit of ${LIMITS.termsPerPost}; keep the ones readers browse by`, line)
}

/**
 * Counts the values of a loaded YAML document, an alias at every place it is
 * used, stopping at the limit: js-yaml 3 resolves aliases to shared objects,
 * so a "billion laughs" document loads small and expands only when something
 * walks it (the importer, zod, JSON). Returns false when it is over.
 */
export function yamlWithinLimit(value: unknown, limit: number = LIMITS.yamlNodes): boolean {
  let count = 0
  const stack: unknown[] = [value]
  while (stack.length) {
    const v = stack.pop()
    if (++count > limit) return false
    if (v && typeof v === 'object' && !(v instanceof Date)) for (const child of Object.values(v)) stack.push(child)
  }
  return true
}

/** Refuses a build that would serve more routes than the limit (each is a KV key and a manifest entry). */
export function checkRouteCount(routes: number): void {
  if (routes > LIMITS.routesPerBuild) throw new BuildError('site.yml', `the build makes ${routes} routes, over the limit of ${LIMITS.routesPerBuild}; raise \`paginate\` or use fewer tags`)
}
