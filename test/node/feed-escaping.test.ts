// The XML escaper and the build's URL rewriter, on their own, against real
// parsers: Python's XML parser must read back exactly what XML can hold, and
// parse5's reading of the rewritten HTML must show absolute URLs only where
// a browser would see attributes.
import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { parseFragment, serialize } from 'parse5'
import { describe, expect, it } from 'vitest'
import { absoluteUrls, parsedAbsoluteUrls } from '../../scripts/pipeline/absolute-urls.ts'
import { cdata, rfc822, xml, xmlAttr } from '../../src/shared/xml.ts'

/** Round-trips strings through `<t>${xml(s)}</t>` and Python's expat. */
function expatRoundTrip(texts: string[]): string[] {
  const doc = `<?xml version="1.0" encoding="utf-8"?><r>${texts.map((t) => `<t a="${xmlAttr(t)}">${xml(t)}</t><c>${cdata(t)}</c>`).join('')}</r>`
  const py = `import sys, json, xml.etree.ElementTree as ET
r = list(ET.fromstring(sys.stdin.buffer.read()))
print(json.dumps([[t.text or '', t.get('a'), c.text or ''] for t, c in zip(r[::2], r[1::2])], ensure_ascii=True))`
  const run = spawnSync('/usr/bin/python3', ['-c', py], { input: doc, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  const out = JSON.parse(run.stdout) as Array<[string, string, string]>
  // The same string three ways: escaped text, attribute value, CDATA.
  for (const [text, attr, section] of out) {
    expect(attr).toBe(text)
    expect(section).toBe(text)
  }
  return out.map(([text]) => text)
}

// What XML 1.0 §2.2 allows.
const allowed = (s: string) => [...s].filter((c) => /[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(c)).join('')

describe('xml(), xmlAttr() and cdata()', () => {
  it('escapes markup and drops what XML 1.0 cannot carry, so a real parser reads the rest back', () => {
    const cases = ['a & b < c > d', '"double" \'single\'', ']]> and <![CDATA[x]]>', '表情 🎉 中文', 'bell\u0007 nul\u0000 vt\u000B ff\u000C', 'lone \uD800 surrogate \uDFFF', 'non-chars \uFFFE\uFFFF', 'tab\tnewline\n', 'crlf\r\n end', 'a]]>b]]]]>>c', '<![CDATA[ nested ]]>']
    expect(expatRoundTrip(cases)).toEqual(cases.map(allowed))
  })

  it('round-trips any string that way (property test)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 20 }), (texts) => {
        expect(expatRoundTrip(texts)).toEqual(texts.map(allowed))
      }),
      { numRuns: 25 },
    )
  })
})

describe('rfc822()', () => {
  it('keeps the post offset and names the weekday of the local date', () => {
    expect(rfc822('2025-01-31T00:15:00+09:00')).toBe('Fri, 31 Jan 2025 00:15:00 +0900')
    expect(rfc822('2024-02-29T23:59:59-05:30')).toBe('Thu, 29 Feb 2024 23:59:59 -0530')
    expect(rfc822('2021-01-01T00:00:00Z')).toBe('Fri, 01 Jan 2021 00:00:00 +0000')
  })
})

describe('absoluteUrls()', () => {
  const base = 'https://blog.example.com/2025/01/%E4%B8%AD%E6%96%87/'
  const attrs = (html: string) => {
    const found: string[] = []
    const walk = (n: any) => {
      for (const a of n.attrs ?? []) if (['href', 'src', 'srcset', 'poster'].includes(a.name)) found.push(a.value)
      for (const c of n.content?.childNodes ?? []) walk(c)
      for (const c of n.childNodes ?? []) walk(c)
    }
    walk(parseFragment(html))
    return found
  }

  it('resolves relative, root-relative, fragment and srcset URLs against the post URL', () => {
    const out = absoluteUrls(
      '<p><a href="../x?a=1&amp;b=2">x</a><img src=/i.png srcset="a.png 1x, /b.png 2x"><a href="#fn1">1</a><video poster="p.jpg"></video></p>',
      base,
    )
    expect(attrs(out)).toEqual([
      'https://blog.example.com/2025/01/x?a=1&b=2',
      'https://blog.example.com/i.png',
      `${base}a.png 1x, https://blog.example.com/b.png 2x`,
      `${base}#fn1`,
      `${base}p.jpg`,
    ])
  })

  it('leaves absolute and non-http URLs, code, script text and everything else byte for byte', () => {
    const html = '<a href="https://e.com/">e</a> <a href="mailto:a@b.c">m</a> <img src="data:image/png;base64,AA==">\r\n<pre><code>&lt;a href="y"&gt;</code></pre><script>var s = "<a href=q>"</script><!-- <a href="c"> -->'
    expect(absoluteUrls(html, base)).toBe(html)
  })

  it('never changes what the HTML means apart from the URLs', () => {
    const html = '<p class="x">中文 <b>bold</b> <a title="t &quot; q" href="rel">a</a></p><template><img src="t.png"></template>'
    const out = absoluteUrls(html, base)
    expect(serialize(parseFragment(out))).toBe(serialize(parseFragment(html)).replace('href="rel"', `href="${base}rel"`).replace('src="t.png"', `src="${base}t.png"`))
  })

  it('parses only where parse5 would rewrite otherwise', () => {
    // Pieces that make tags, attributes, quotes, references, comments, raw text and foreign content.
    const pieces = ['<p>', '</a>', '</ ', '</p>', '>', ' ', '\n', '\r', '\0', '"', "'", '&', '<!--', '-->', '--!>', '<!-->', '<?', '<!x>', '<', '</script>', '</template>', '</table>', '中']
    const tagName = fc.constantFrom('a', 'A', 'img', 'object', 'td', 'tr', 'caption', 'col', 'link', 'p', 'script', 'svg', 'template', 'textarea', 'iframe', 'select', 'table', '/a')
    const name = fc.constantFrom('href', 'HREF', 'src', 'srcset', 'data', 'background', 'xlink:href', 'data-src', 'title', '=')
    const space = fc.constantFrom('', ' ', '\n', '\r\n')
    const value = fc.array(fc.constantFrom('/x.png', 'y', '#f', 'https://e.com/', 'mailto:m', 'ht&#116;p:', ' 1x, ', '&#47;', '&amp;', ' ', '"', "'", '>', 'src=', '\r'), { maxLength: 3 }).map((v) => v.join(''))
    const quote = fc.constantFrom('"', "'", '')
    const attribute = (closed: boolean) =>
      fc.tuple(fc.constantFrom(' ', '/', ''), name, space, space, quote, value, fc.boolean()).map(([before, n, s1, s2, q, v, close]) => `${before}${n}${s1}=${s2}${q}${v}${closed || close ? q : ''}`)
    const tag = (closed: boolean) =>
      fc.tuple(tagName, fc.array(attribute(closed), { maxLength: 3 }), fc.constantFrom('>', '/>', ' >', closed ? '>' : '')).map(([t, attrs, end]) => `<${t} ${attrs.join(' ')}${end}`)
    const html = (closed: boolean) =>
      fc.array(fc.oneof({ arbitrary: fc.constantFrom(...(closed ? pieces.filter((p) => !/[\r\0"'?]|^<$|<!x|<!-->/.test(p)) : pieces)), weight: 1 }, { arbitrary: tag(closed), weight: 2 }), { maxLength: 8 }).map((list) => list.join(''))
    // Anything, and HTML mostly simple (closed quotes and tags), where a wrong token alone would show.
    for (const closed of [false, true]) fc.assert(fc.property(fc.noBias(html(closed)), (h) => absoluteUrls(h, base) === parsedAbsoluteUrls(h, base)), { numRuns: 15_000 })
    // The shapes posts have, each through its path: simple HTML, HTML with an embed, a table.
    for (const post of [
      '<h2 id="a">A</h2><p>x<sup><a href="#fn-1" id="r-1">1</a></sup> <img src="/i.png" alt="" srcset="/i2.png 2x"></p><!-- more --><ol><li id="fn-1"><a href="#r-1">↩</a></li></ol>',
      '<p><a href=rel>a</a></p><iframe src="https://e.com/v"></iframe><a HREF="../up?a=1&amp;b=2">b</a>',
      '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td><a href="x">x</a></td></tr></tbody></table>',
      '<!-- a comment --!><a href="/x">that ended early</a> -->',
    ]) {
      expect(absoluteUrls(post, base)).toBe(parsedAbsoluteUrls(post, base))
      expect(absoluteUrls(post, base)).not.toBe(post)
    }
    // A quoted value that looks like the start of an attribute does not hide the next one.
    const hidden = `<a title='src=' href="/rel">x</a><b title='y'>`
    expect(absoluteUrls(hidden, base)).toBe(parsedAbsoluteUrls(hidden, base))
    expect(absoluteUrls(hidden, base)).not.toBe(hidden)
    // And the scan does skip: a post with absolute links only is returned as it came.
    const plain = '<p><a href="https://e.com/">e</a> <img src="https://e.com/i.png" alt=""></p>'
    expect(absoluteUrls(plain, base)).toBe(plain)
  })
})
