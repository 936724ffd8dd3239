/**
 * The start tags of "simple" HTML with their attributes and source spans,
 * found as the WHATWG tokenizer finds them (HTML §13.2.5, data, tag and
 * attribute states), without building a tree. Post HTML is almost always
 * simple: elements, attributes, text, character references and ordinary
 * comments. Anything that would make the tokenizer leave the data state or
 * the tree builder drop or move attributes (raw-text and RCDATA elements,
 * foreign content, templates, select, column groups, html/head/body/frameset,
 * a first start tag that puts a fragment into a table mode, DOCTYPE, CDATA,
 * bogus comments, CR or NUL, an unclosed tag or comment, a repeated
 * attribute) makes `simpleStartTags` answer undefined, and the caller parses
 * the HTML properly (absolute-urls.ts does, with parse5).
 */

export interface SimpleAttr {
  /** Lower-cased, as the tokenizer makes it. */
  name: string
  /** The value as written (character references not decoded). */
  value: string
  /** The span from the name's first character to the value's end (its closing quote), as parse5 reports it. */
  start: number
  end: number
}

export interface SimpleTag {
  name: string
  attrs: SimpleAttr[]
  /** The span of the whole start tag, `<` to `>`. */
  start: number
  end: number
}

const NOT_SIMPLE = new Set([
  'script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext',
  'svg', 'math', 'template', 'select', 'option', 'optgroup', 'col', 'colgroup', 'frameset', 'frame',
  'html', 'head', 'body', 'image', 'form',
])
/**
 * parse5 parses a fragment in a <template> context: in the "in template"
 * insertion mode, which these start tags leave for a table mode (§13.2.6.4.23)…
 */
const TABLE_PARTS = new Set(['caption', 'tbody', 'tfoot', 'thead', 'tr', 'td', 'th'])
/** …and these keep. */
const HEAD_PARTS = new Set(['base', 'basefont', 'bgsound', 'link', 'meta'])
/**
 * Characters are told by their code units, not by a regular expression tested
 * on each one-character string: a post's highlighted code is thousands of
 * `<span class="hljs-…">` tags (the 159-post corpus's 20,000 start tags, best of 15: 28 →
 * 11 ms).
 */
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
const SLASH = 0x2f
const GT = 0x3e
const EQ = 0x3d

/** Where a tag's or an attribute's name that starts at `i` ends: at a space, '/' or '>' (or '=', for an attribute's). */
function nameEnd(html: string, i: number, attribute: boolean): number {
  for (; i < html.length; i++) {
    const c = html.charCodeAt(i)
    if (isSpace(c) || c === SLASH || c === GT || (attribute && c === EQ)) break
  }
  return i
}

/** The start tags of `html`, or undefined when it is not simple HTML (see the file comment). */
export function simpleStartTags(html: string): SimpleTag[] | undefined {
  if (/[\r\0]/.test(html)) return undefined
  const tags: SimpleTag[] = []
  let inTemplateMode = true
  let at = html.indexOf('<')
  while (at !== -1) {
    const next = html[at + 1]
    let end: number | undefined
    if (next === '!') end = commentEnd(html, at)
    else if (next === '/') end = isAlpha(html.charCodeAt(at + 2)) ? tagEnd(html, at + 2, undefined) : undefined
    else if (isAlpha(html.charCodeAt(at + 1))) {
      const tag: SimpleTag = { name: '', attrs: [], start: at, end: 0 }
      end = tagEnd(html, at + 1, tag)
      tag.end = end ?? 0
      if (NOT_SIMPLE.has(tag.name) || (inTemplateMode && TABLE_PARTS.has(tag.name))) return undefined
      inTemplateMode &&= HEAD_PARTS.has(tag.name)
      tags.push(tag)
    } else if (next === '?') return undefined // a bogus comment
    else end = at + 1 // a '<' that starts no tag is text
    if (end === undefined) return undefined
    at = html.indexOf('<', end)
  }
  return tags
}

/** After `<!--…-->` (§13.2.5.43–52), or undefined for any other `<!` or a comment closed otherwise. */
function commentEnd(html: string, at: number): number | undefined {
  if (!html.startsWith('<!--', at) || html.startsWith('<!-->', at) || html.startsWith('<!--->', at)) return undefined
  const close = html.indexOf('-->', at + 4)
  if (close === -1 || html.slice(at + 4, close).includes('--!')) return undefined
  return close + 3
}

/**
 * Reads a tag from its name at `at` to after its `>`; fills `tag` (a start
 * tag) with its name and attributes. Undefined at the end of the input (the
 * tokenizer drops such a tag) or on a repeated attribute.
 */
function tagEnd(html: string, at: number, tag: SimpleTag | undefined): number | undefined {
  let i = nameEnd(html, at, false)
  if (tag) tag.name = html.slice(at, i).toLowerCase()
  const names: string[] = []
  for (;;) {
    // Before an attribute's name; a '/' not before '>' is skipped.
    while (i < html.length && (isSpace(html.charCodeAt(i)) || html.charCodeAt(i) === SLASH)) i++
    if (i >= html.length) return undefined
    if (html.charCodeAt(i) === GT) return i + 1
    const attr = readAttr(html, i)
    if (!attr) return undefined
    // A tag has a few attributes: a list is cheaper than a Set per tag.
    if (names.includes(attr.name)) return undefined
    names.push(attr.name)
    tag?.attrs.push(attr)
    i = attr.end
  }
}

/** One attribute from its name at `at` (§13.2.5.33–39); undefined if the input ends inside it. */
function readAttr(html: string, at: number): SimpleAttr | undefined {
  const i = nameEnd(html, at + 1, true) // a first '=' belongs to the name
  const name = html.slice(at, i).toLowerCase()
  let j = i
  while (j < html.length && isSpace(html.charCodeAt(j))) j++
  if (html.charCodeAt(j) !== EQ) return { name, value: '', start: at, end: i }
  j++
  while (j < html.length && isSpace(html.charCodeAt(j))) j++
  const quote = html[j]
  if (quote === '"' || quote === "'") {
    const close = html.indexOf(quote, j + 1)
    return close === -1 ? undefined : { name, value: html.slice(j + 1, close), start: at, end: close + 1 }
  }
  if (quote === '>') return { name, value: '', start: at, end: j } // missing value: the '>' ends the tag
  let k = j
  while (k < html.length && !isSpace(html.charCodeAt(k)) && html.charCodeAt(k) !== GT) k++
  return k >= html.length ? undefined : { name, value: html.slice(j, k), start: at, end: k }
}
