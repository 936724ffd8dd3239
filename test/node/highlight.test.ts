// highlight.js loaded language by language (highlight-languages.ts) names and
// highlights as its full bundle does: the same names and aliases resolve to the
// same language, and every language's HTML is the bundle's.
import full from 'highlight.js'
import { describe, expect, it, vi } from 'vitest'
import { LANGUAGES, LANGUAGE_ALIASES, canonicalLanguage, hljsFor } from '../../scripts/pipeline/highlight-languages.ts'
import { highlight, withHighlights, type Highlighted } from '../../scripts/pipeline/highlight.ts'

const names = full.listLanguages()
const nameOf = new Map(names.map((n) => [full.getLanguage(n), n]))
/** What the full bundle resolves each alias to (the table highlight-languages.ts must hold). */
const bundleAliases = () => {
  const aliases: Record<string, string> = {}
  for (const n of names) for (const a of full.getLanguage(n)!.aliases ?? []) aliases[a.toLowerCase()] = nameOf.get(full.getLanguage(a))!
  return Object.fromEntries(Object.entries(aliases).filter(([a, n]) => a !== n).sort(([a], [b]) => (a < b ? -1 : 1)))
}

// Something of most languages' syntax: comments, strings, numbers, tags, keywords, embedded script and style.
const SAMPLE = [
  '#!/bin/sh',
  '// a comment /* another */ # and another',
  'let x = 1 + 2.5e3; const s = "str \\" q" + \'c\' // done',
  'def f(a, b): return a if b else None',
  'func main() { fmt.Println(`raw`) } SELECT * FROM t WHERE id = 3;',
  '<div class="a"><script>var y = {a: [1, 2]};</script><style>p { color: red }</style></div>',
  'GET /index.html HTTP/1.1',
  'Content-Type: application/json',
  '',
  '{"key": [true, null, 42]}',
].join('\n')

describe('highlight.js language by language', () => {
  it('knows the names and aliases the full bundle knows', () => {
    expect([...LANGUAGES].sort(), 'LANGUAGES in highlight-languages.ts').toEqual([...names].sort())
    expect(LANGUAGE_ALIASES, `LANGUAGE_ALIASES in highlight-languages.ts should be ${JSON.stringify(bundleAliases())}`).toEqual(bundleAliases())
    for (const key of [...names, ...Object.keys(bundleAliases()), 'JS', 'C++', 'Objective-C', 'nope', '']) {
      expect(canonicalLanguage(key), key).toBe(full.getLanguage(key) ? nameOf.get(full.getLanguage(key)) : '')
    }
  })

  it('highlights every language as the full bundle does, embedded languages (and HTTP bodies) included', () => {
    for (const name of [...names].reverse()) {
      const { hljs, language } = hljsFor(name)!
      expect(hljs.highlight(SAMPLE, { language, ignoreIllegals: true }).value, name).toBe(full.highlight(SAMPLE, { language: name, ignoreIllegals: true }).value)
    }
    expect(hljsFor('html')!.hljs.highlight(SAMPLE, { language: 'xml', ignoreIllegals: true }).value).toContain('<span class="hljs-attr">a</span>')
    expect(hljsFor('unknown-language')).toBeUndefined()
  })

  it('highlights an HTTP body, which highlight.js auto-detects among all languages, as the bundle does when HTTP comes first', async () => {
    vi.resetModules()
    const fresh = await import('../../scripts/pipeline/highlight-languages.ts')
    const request = 'POST /q HTTP/1.1\nContent-Type: text/plain\n\nSELECT name FROM users WHERE id = 3;\n'
    const { hljs, language } = fresh.hljsFor('http')!
    const html = hljs.highlight(request, { language, ignoreIllegals: true }).value
    expect(html).toBe(full.highlight(request, { language: 'http', ignoreIllegals: true }).value)
    expect(html).toContain('hljs-keyword') // the body, as SQL
  })
})

describe('code blocks as an earlier render highlighted them (withHighlights)', () => {
  it('gives back every block it highlighted, and takes a block given as it was given', () => {
    const swift = 'let x = 1\n'
    const first = withHighlights(undefined, true, () => [highlight(swift, 'swift'), highlight('plain\n', undefined)])
    expect(first.made!.map(([, h]) => h)).toEqual(first.value)
    expect(first.value[0]!.html).toContain('hljs-keyword')
    // A block given is not highlighted again: planted HTML comes back as it was planted.
    const planted: Array<[string, Highlighted]> = first.made!.map(([key, h]) => [key, { ...h, html: h.html.replace('let', 'LET') }])
    const again = withHighlights(planted, true, () => [highlight(swift, 'swift'), highlight('other\n', 'swift')])
    expect(again.value[0]!.html).toContain('LET')
    expect(again.value[1]!.html).toBe(highlight('other\n', 'swift').html)
    // Only the blocks of this render are given back: one edited away is not.
    expect(again.made!.map(([, h]) => h)).toEqual(again.value)
    expect(withHighlights(planted, false, () => 1)).toEqual({ value: 1 })
  })
})
