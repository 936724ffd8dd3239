// Reading served HTML and XML in tests as a browser or feed reader would:
// elements and attributes through workerd's HTMLRewriter (lol-html), text with
// entities and CDATA decoded.

export interface Element {
  tag: string
  attrs: Record<string, string>
  text: string
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes the character references HTML and XML serialisers emit. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1]!.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
    return NAMED[e.toLowerCase()] ?? m
  })
}

/** Every element of a document with its (decoded) attributes and (raw) text content. */
export async function elements(html: string): Promise<Element[]> {
  const found: Element[] = []
  const open = new Set<Element>()
  const rewriter = new HTMLRewriter()
    .on('*', {
      element(el) {
        const entry: Element = { tag: el.tagName, attrs: {}, text: '' }
        for (const [name, value] of el.attributes as unknown as Iterable<[string, string]>) entry.attrs[name] = decodeEntities(value)
        found.push(entry)
        try {
          el.onEndTag(() => void open.delete(entry))
          open.add(entry)
        } catch {
          // A void element (meta, img, link) has no end tag and no content.
        }
      },
    })
    .onDocument({
      text(chunk) {
        for (const o of open) o.text += chunk.text
      },
    })
  await rewriter.transform(new Response(html)).text()
  return found
}

/** The text of an XML element's content: CDATA sections kept verbatim, entities decoded elsewhere. */
export function xmlText(inner: string): string {
  return inner
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part)))
    .join('')
}

/** An XML document with every CDATA section removed: what remains is markup and escaped text. */
export const withoutCdata = (xml: string): string => xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
