/**
 * XML text helpers for the Atom, RSS and sitemap renderers.
 *
 * Everything from content passes through `xml()`: characters XML 1.0 does not
 * allow anywhere (§2.2, production [2] Char: C0 controls other than tab, LF
 * and CR, lone surrogates, U+FFFE and U+FFFF) are dropped, since no escape can
 * carry them, and the five markup characters become entity references (§2.4).
 * Large HTML bodies go in CDATA sections instead (`cdata()`): the same text
 * to a parser, but a linear scan instead of thousands of replacements (a
 * 20-post page of long posts renders several times faster). A `]]>` inside is
 * split across two sections, so it can never end one early.
 */

// XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
// CR, and in attributes tab and LF too, as character references: a parser would otherwise
// normalise them away (XML 1.0 §2.11 line ends, §3.3.3 attribute-value normalisation).
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\t': '&#9;', '\n': '&#10;' }

// A cheap first look: most text holds nothing XML forbids, and then needs no u-flag regex pass.
const MAYBE_NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/
const xmlChars = (text: string) => (MAYBE_NOT_XML.test(text) ? text.replace(NOT_XML_CHAR, '') : text)

/** Text content, safe anywhere in an XML 1.0 document. */
export function xml(text: string): string {
  const clean = xmlChars(text)
  // Most text (URLs, dates) has nothing to escape: skip the replacement pass.
  return TEXT_SPECIAL.test(clean) ? clean.replace(/[&<>"'\r]/g, (c) => ENTITIES[c]!) : clean
}
const TEXT_SPECIAL = /[&<>"'\r]/

/**
 * Character data as CDATA sections (XML 1.0 §2.7): for long HTML bodies. A
 * CR is kept as a reference between sections, since parsers turn a literal
 * CR into LF (§2.11), and `]]>` is split so no section ends early.
 */
export function cdata(text: string): string {
  const body = xmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>').replaceAll('\r', ']]>&#13;<![CDATA[')
  return `<![CDATA[${body}]]>`
}

/** An attribute value: as text, with whitespace kept through attribute-value normalisation. */
export function xmlAttr(text: string): string {
  return xmlChars(text).replace(/[&<>"'\r\t\n]/g, (c) => ENTITIES[c]!)
}

/** An element with escaped text content and escaped attributes; omitted when text is undefined. */
export function element(name: string, text: string | undefined, attrs: Record<string, string | undefined> = {}): string {
  if (text === undefined) return ''
  return `<${name}${attributes(attrs)}>${xml(text)}</${name}>`
}

/** An element whose text is a long HTML body, as CDATA. */
export function htmlElement(name: string, html: string, attrs: Record<string, string | undefined> = {}): string {
  return `<${name}${attributes(attrs)}>${cdata(html)}</${name}>`
}

/** An empty element such as Atom's `<link/>`. */
export function empty(name: string, attrs: Record<string, string | undefined>): string {
  return `<${name}${attributes(attrs)}/>`
}

function attributes(attrs: Record<string, string | undefined>): string {
  return Object.entries(attrs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(v)}"`)
    .join('')
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * RFC 3339 (`2025-01-31T00:15:00+09:00`) to the RFC 822 date RSS 2.0 asks for,
 * keeping the written offset and using a four-digit year (RFC 1123 §5.2.14):
 * `Fri, 31 Jan 2025 00:15:00 +0900`.
 */
export function rfc822(rfc3339: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(rfc3339)
  if (!m) return new Date(rfc3339).toUTCString().replace('GMT', '+0000')
  const [, y, mo, d, time, off] = m as unknown as [string, string, string, string, string, string]
  const weekday = DAYS[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()]
  const zone = off.toUpperCase() === 'Z' ? '+0000' : off.replace(':', '')
  return `${weekday}, ${d} ${MONTHS[Number(mo) - 1]} ${y} ${time} ${zone}`
}
