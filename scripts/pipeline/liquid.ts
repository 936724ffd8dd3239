/**
 * The Liquid that Jekyll posts actually contain, resolved before Markdown runs
 * (Jekyll, too, renders Liquid first and Markdown second):
 *
 * - `{% raw %}…{% endraw %}`: the inside is kept literally.
 * - `{% highlight lang [linenos] %}…{% endhighlight %}`: becomes a fenced code
 *   block (info string `lang linenos`), which the code renderer highlights.
 * - `{{ site.url }}`, `{{ site.baseurl }}`, `{{ site.title }}` and the
 *   `relative_url` / `absolute_url` filters on a quoted path.
 * - `{% comment %}…{% endcomment %}` is dropped with its contents.
 * - `{% post_url name %}` and `{% link _posts/name.md %}` become a placeholder
 *   the build resolves once every post's URL is known (see POST_URL_MARK).
 * - `{% include embed/youtube.html id='…' %}` (Chirpy's video embed) becomes an iframe.
 *
 * Any other tag or output is removed from prose with a warning, never printed.
 * Inside fenced code it is left as written: there it is code the writer meant
 * readers to see (Jekyll would have blanked it, which is the worse rendering).
 */

export interface LiquidSite {
  /** Origin part of the site URL (Jekyll's `site.url`), no trailing slash. */
  url: string
  /** Path part of the site URL (Jekyll's `site.baseurl`), '' or `/blog`. */
  baseurl: string
  title: string
  description: string
}

export interface LiquidResult {
  text: string
  warnings: string[]
}

/** Marks a `{% post_url %}` target; the build swaps it for the post's URL. */
export const POST_URL_MARK = 'kumo-post-url:'

const PROTECT_OPEN = '\uE000'
const PROTECT_CLOSE = '\uE001'

/** Splits a site URL as Jekyll does into `url` and `baseurl`. */
export function liquidSite(site: { url: string; title: string; description: string }): LiquidSite {
  const u = new URL(site.url)
  return { url: u.origin, baseurl: u.pathname.replace(/\/+$/, ''), title: site.title, description: site.description }
}

function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length))
  return '`'.repeat(longest + 1)
}

const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2')

/** Filters that need the Markdown renderer, which calls this module (so it hands them in). */
export interface LiquidFilters {
  markdownify?: (markdown: string) => string
}

/** `remove: "x"`, `strip`, `markdownify` on a value; undefined for a filter we do not know. */
function captureFilter(value: string, filter: string, filters: LiquidFilters): string | undefined {
  const remove = /^remove:\s*(['"])(.*)\1$/.exec(filter)
  if (remove) return value.split(remove[2]!).join('')
  if (filter === 'strip') return value.trim()
  if (filter === 'markdownify' && filters.markdownify) return filters.markdownify(value)
  return undefined
}

/** The value of a `{{ … }}` output we know, or undefined. */
function output(expr: string, site: LiquidSite, captures: Map<string, string> = new Map(), filters: LiquidFilters = {}): string | undefined {
  const [head = '', ...rest] = expr.split('|').map((s) => s.trim())
  // Minimal Mistakes' figures: `{% capture fig_img %}…{% endcapture %}` then `{{ fig_img | markdownify | remove: "<p>" }}`.
  if (captures.has(head)) {
    let value: string | undefined = captures.get(head)!
    for (const filter of rest) value = value === undefined ? undefined : captureFilter(value, filter, filters)
    return value
  }
  let value: string | undefined
  if (/^site\.url$/.test(head)) value = site.url
  else if (/^site\.baseurl$/.test(head)) value = site.baseurl
  else if (/^site\.title$/.test(head)) value = site.title
  else if (/^site\.description$/.test(head)) value = site.description
  else if (/^(['"]).*\1$/.test(head)) value = unquote(head)
  if (value === undefined) return undefined
  for (const filter of rest) {
    const join = (base: string) => (value!.startsWith('/') || value === '' ? `${base}${value}` : `${base}/${value}`)
    if (filter === 'relative_url') value = join(site.baseurl)
    else if (filter === 'absolute_url') value = join(site.url + site.baseurl)
    else return undefined
  }
  return value
}

/** A tag we can map, as its replacement text; undefined when unknown. */
function tag(name: string, args: string): string | undefined {
  if (name === 'post_url') return `${POST_URL_MARK}${args.trim()}`
  if (name === 'link') {
    const m = /^_posts\/(?:.*\/)?([^/]+?)\.(?:md|markdown)$/.exec(args.trim())
    return m ? `${POST_URL_MARK}${m[1]}` : undefined
  }
  if (name === 'include') {
    const m = /^embed\/youtube\.html\s+id=(['"])([\w-]+)\1/.exec(args.trim())
    if (m) {
      return `<iframe class="embed-video" loading="lazy" src="https://www.youtube-nocookie.com/embed/${m[2]}" title="YouTube video" allowfullscreen></iframe>`
    }
  }
  return undefined
}

const BLOCK_OPEN = /\{%-?\s*(raw|highlight|comment|capture)\b([^%]*?)-?%\}/g
const BLOCK_END = /\{%-?\s*end(raw|highlight|comment|capture)\b[^%]*?-?%\}/g

/**
 * Each `{% raw %}…{% endraw %}` (and highlight, comment) block, replaced: what
 * `/{% (raw|…) %}([\s\S]*?){% end\1 %}/g` matches, with the end tags found once
 * and looked up by position, so unclosed openers cost no rescan of the rest each
 * (repeated, they made this pass quadratic).
 */
const RAW_INSIDE = /\{%-?\s*raw\s*-?%\}([\s\S]*?)\{%-?\s*endraw\s*-?%\}/g

function replaceBlocks(source: string, replace: (name: string, args: string, body: string) => string): string {
  const ends = new Map<string, Array<{ at: number; end: number }>>()
  for (const m of source.matchAll(BLOCK_END)) {
    const list = ends.get(m[1]!) ?? []
    list.push({ at: m.index, end: m.index + m[0].length })
    ends.set(m[1]!, list)
  }
  let out = ''
  let cursor = 0
  for (const m of source.matchAll(BLOCK_OPEN)) {
    if (m.index < cursor) continue
    const bodyAt = m.index + m[0].length
    const list = ends.get(m[1]!) ?? []
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (list[mid]!.at < bodyAt) lo = mid + 1
      else hi = mid
    }
    const close = list[lo]
    if (!close) continue
    out += source.slice(cursor, m.index) + replace(m[1]!, m[2]!, source.slice(bodyAt, close.at))
    cursor = close.end
  }
  return out + source.slice(cursor)
}
// An output ends before the next `{{`: an unclosed `{{` then costs the text up to the next one, not
// the rest of the line, so `{{ {{ {{ …` repeated is linear rather than quadratic.
const OUTPUT = /\{\{-?((?:[^{}]|\{(?!\{)|\}(?!\}))*?)-?\}\}/g
const TAG = /\{%-?\s*(\w+)([^%]*?)-?%\}/g
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/** Resolves the Liquid in one Markdown source. */
export function renderLiquid(source: string, site: LiquidSite, filters: LiquidFilters = {}): LiquidResult {
  if (!source.includes('{%') && !source.includes('{{')) return { text: source, warnings: [] }
  const warnings: string[] = []
  const kept: string[] = []
  const captures = new Map<string, string>()
  // Literal regions are parked in private-use placeholders so no later step touches them.
  const protect = (s: string) => `${PROTECT_OPEN}${kept.push(s) - 1}${PROTECT_CLOSE}`

  let text = replaceBlocks(source, (name, args, body) => {
    if (name === 'raw') return protect(body)
    if (name === 'comment') return ''
    if (name === 'capture') {
      const variable = args.trim()
      if (/^[\w-]+$/.test(variable)) captures.set(variable, body)
      return ''
    }
    const [lang = '', ...opts] = args.trim().split(/\s+/)
    // Jekyll renders the block's Liquid first: a {% raw %} inside it leaves its text, not its tags.
    const code = body.replace(RAW_INSIDE, '$1').replace(/^\n/, '').replace(/\n$/, '')
    const fence = fenceFor(code)
    const info = [lang, opts.includes('linenos') ? 'linenos' : ''].filter(Boolean).join(' ')
    return `${fence}${info}\n${protect(code)}\n${fence}`
  })

  // Line by line, so that unknown Liquid inside fenced code stays as written.
  let fence: string | undefined
  text = text
    .split('\n')
    .map((line) => {
      const open = FENCE.exec(line)?.[1]
      if (fence) {
        if (open && open[0] === fence[0] && open.length >= fence.length && line.trim() === open) fence = undefined
        return line.replace(OUTPUT, (whole, expr: string) => output(expr, site, captures, filters) ?? whole)
      }
      if (open) fence = open
      return line
        .replace(OUTPUT, (whole, expr: string) => {
          const value = output(expr, site, captures, filters)
          if (value === undefined) warnings.push(`removed Liquid output ${whole.trim()} (no equivalent here)`)
          return value ?? ''
        })
        .replace(TAG, (whole, name: string, args: string) => {
          const value = tag(name, args)
          if (value === undefined) warnings.push(`removed Liquid tag ${whole.trim()} (no equivalent here)`)
          return value ?? ''
        })
    })
    .join('\n')

  if (kept.length) {
    const re = new RegExp(`${PROTECT_OPEN}(\\d+)${PROTECT_CLOSE}`, 'g')
    text = text.replace(re, (whole, i: string) => kept[Number(i)] ?? whole)
  }
  return { text, warnings }
}
