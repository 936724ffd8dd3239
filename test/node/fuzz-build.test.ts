// Build-side fuzzer (fast-check): generated front matter and Markdown, made of
// the pieces hostile posts are made of, through parse + render as the build
// runs it. Each input must give a post or a clear one-line error naming the
// file — never a thrown exception, a stack trace or a stall — within a time
// bound per input. KUMO_FUZZ_RUNS sets the count (CI: the default; the issue-15
// run: 10,000).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildSource } from '../../scripts/pipeline/render-pool.ts'
import { parseSiteConfig } from '../../scripts/pipeline/site-config.ts'

const RUNS = Number(process.env.KUMO_FUZZ_RUNS ?? 400)
/** Per input, in ms: inputs are at most a few KB, so anything near this is a superlinear pass. */
const TIME_BOUND_MS = 1500
const site = parseSiteConfig('site.yml', 'title: Fuzz\nurl: https://fuzz.example\ntimezone: Asia/Tokyo\n')

// Markdown, kramdown, Liquid and HTML syntax, and the characters that break parsers.
const PIECES = [
  '>', '> ', '- ', '* ', '1. ', '  ', '    ', '\t', '\n', '\n\n', '#', '## ', '**', '*', '_', '__', '~~', '~', '`', '``', '```', '~~~', '```js\n',
  '{:', '{: .cls}', '{: #id}', '{::', '{:toc}', '}', '{%', '%}', '{{', '}}', '{% raw %}', '{% endraw %}', '{% highlight ruby %}', '{% endhighlight %}',
  '{% post_url 2020-01-01-x %}', '[', ']', '](', ')', '![', '[^1]', '[^1]: ', '<', '>', '<div>', '</div>', '<div markdown="1">', '<span>', '<script>', '</script>',
  '<!--', '-->', '<<', '>>', '$$', '|', '| a | b |', '|---|', '---', '***', '\\', '&', '&amp;', '&#0;', 'http://a.example/x', 'www.a.example',
  'text', 'word ', '结论先行：', '中文', '\u0000', '\u001b', '\u200b', '\u2028', 'e\u0301', '\ud83d\ude00', '\ud800', '^', '"', "'", ':', 'x\u0300\u0301\u0302',
]

const bodyArb = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 120 }).map((a) => a.join(''))
// A piece repeated: the shape of every superlinear input issue 15 found.
const repeatedArb = fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom(...PIECES), fc.integer({ min: 1, max: 600 })).map(([a, b, n]) => (a + b).repeat(n))

const yamlValue = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('', '~', 'null', 'true', '[]', '{}', '[a, b]', '2025-01-31 00:15:00 +09:00', '2025-02-30', 'March 7, 2019', '"javascript:alert(1)"', '/../x/', '&a [1]', '*a', '!!binary aGk=', '"\\0"'),
)
/** null `n` times in `n + 1`: most keys absent, so most inputs reach the renderer. */
const rarely = <T,>(a: fc.Arbitrary<T>, n: number) => fc.oneof({ arbitrary: fc.constant(null), weight: n }, { arbitrary: a, weight: 1 })

const frontArb = fc
  .record({
    // Mostly valid, so that most inputs reach the renderer; sometimes anything.
    title: fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map((s) => JSON.stringify(`t${s}`)), weight: 8 }, { arbitrary: yamlValue, weight: 1 }),
    date: rarely(yamlValue, 4),
    tags: rarely(fc.oneof(yamlValue, fc.array(fc.string({ maxLength: 6 }), { maxLength: 30 }).map((t) => JSON.stringify(t))), 2),
    categories: rarely(yamlValue, 4),
    permalink: rarely(fc.oneof(yamlValue, fc.constantFrom('/tags/', '/sitemap.xml', '/:year/:title/', '/page/2/')), 6),
    extra: rarely(fc.tuple(fc.constantFrom('image', 'redirect_from', 'published', 'pin', 'author', 'slug', 'last_modified_at', 'toc', 'description'), yamlValue), 4),
  })
  .map((r) =>
    [`title: ${r.title}`, r.date === null ? '' : `date: ${r.date}`, r.tags === null ? '' : `tags: ${r.tags}`, r.categories === null ? '' : `categories: ${r.categories}`, r.permalink === null ? '' : `permalink: ${r.permalink}`, r.extra ? `${r.extra[0]}: ${r.extra[1]}` : '']
      .filter(Boolean)
      .join('\n'),
  )

const FILE = 'posts/2024-02-29-fuzz.md'

describe('build fuzzer: front matter and Markdown', () => {
  it(`${RUNS} generated posts: each a post or a one-line error naming the file, in bounded time`, () => {
    let slowest = 0
    let errors = 0
    fc.assert(
      fc.property(frontArb, fc.oneof(bodyArb, repeatedArb), fc.integer({ min: 0, max: 19 }).map((n) => n === 0), (front, body, broken) => {
        const text = broken ? `---\n${front}\n${body}` : `---\n${front}\n---\n\n${body}\n`
        const started = performance.now()
        const out = buildSource({ kind: 'post', path: FILE, text }, site, Date.UTC(2025, 0, 1))
        const ms = performance.now() - started
        slowest = Math.max(slowest, ms)
        expect(ms).toBeLessThan(TIME_BOUND_MS)
        if ('ok' in out) {
          expect(typeof out.ok.html).toBe('string')
          // A title never carries a control character into HTML, XML or JSON.
          expect(out.ok.title).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/)
          return
        }
        errors++
        if (process.env.KUMO_FUZZ_SHOW && errors < 8) console.log(out.error.message.slice(0, 160))
        expect(out.error.message.startsWith(`${FILE}`)).toBe(true)
        expect(out.error.message).not.toMatch(/\n\s+at /)
        // A writer's error says what is wrong, not how the renderer failed inside.
        expect(out.error.message).not.toMatch(/TypeError|Cannot read properties|undefined is not/)
      }),
      { numRuns: RUNS },
    )
    console.log(`build fuzzer: ${RUNS} posts, ${errors} refused with a one-line error, slowest ${slowest.toFixed(0)} ms`)
  }, 1_200_000)
})
