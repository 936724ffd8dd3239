// Kumo's Markdown against real kramdown: each post of test/fixtures/kramdown/ (a tiny
// Jekyll site of our own, one class of difference per post) rendered by Kumo must match,
// element by element, the body HTML Debian's jekyll 4.3.1 made for it (expected/, made
// once with `jekyll build` in a copy of the folder). Then the same behaviours one by one.

import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import matter from 'gray-matter'
import { describe, expect, it } from 'vitest'
import { pageCsp } from '../../src/shared/headers.ts'
import { cspSourcesOf } from '../../scripts/pipeline/embeds.ts'
import { renderMarkdown } from '../../scripts/pipeline/markdown.ts'
import { buildPost } from '../../scripts/pipeline/posts.ts'
import { smartText } from '../../scripts/pipeline/typography.ts'
import { compareBody, compareBodies, features } from '../../scripts/verify/bodies.ts'
import type { SiteConfig } from '../../src/shared/schema.ts'

const DIR = fileURLToPath(new URL('../fixtures/kramdown/', import.meta.url))
const posts = readdirSync(`${DIR}_posts`).map((file) => {
  const slug = file.replace(/^\d{4}-\d\d-\d\d-/, '').replace(/\.md$/, '')
  return { slug, body: matter(readFileSync(`${DIR}_posts/${file}`, 'utf8')).content, jekyll: readFileSync(`${DIR}expected/${slug}.html`, 'utf8') }
})
const html = (md: string, typography?: 'kramdown' | 'plain') => renderMarkdown(md, { typography }).html

describe('fixtures match what Jekyll made', () => {
  it.each(posts.map((p) => [p.slug, p] as const))('%s', (_slug, p) => {
    const result = compareBody(p.slug, p.jekyll, html(p.body))
    expect(result.differences).toEqual([])
    expect(result.similarity).toBeGreaterThan(0.98)
  })

  it('the comparison sees what the fixes fixed: CommonMark readings differ from Jekyll', () => {
    // marked's own reading of the CJK post leaves `**` standing: the harness must report it.
    const cjk = posts.find((p) => p.slug === 'cjk-emphasis')!
    const literal = cjk.body.replaceAll('**结论先行：**', '\\*\\*结论先行：\\*\\*')
    const report = compareBodies([{ id: 'cjk', jekyll: cjk.jekyll, kumo: html(literal) }])
    expect(report.identical).toBe(0)
    expect(report.literalMarkup).toEqual(['cjk'])
  })
})

describe('footnotes and references from table cells', () => {
  it('a note referred to twice reads the same in both, and a different note still counts', () => {
    const p = posts.find((q) => q.slug === 'table-notes')!
    expect(compareBody('notes', p.jekyll, html(p.body)).differences).toEqual([])
    const other = compareBody('notes', p.jekyll, html(p.body.replace('The first note.', 'Another note.')))
    expect(other.differences.map((d) => d.aspect)).toEqual(['footnotes'])
  })

  it('a post that opens with a table, an HTML block or $$ may have notes', () => {
    for (const first of ['| a |\n|---|\n| b |', '<div>x</div>', '$$x$$']) {
      const out = html(`${first}\n\nText[^n]\n\n[^n]: Note.\n`)
      expect(out).toContain('href="#fn-n"')
      expect(out).toMatch(/^<(table|div)|^\\\[/)
    }
  })

  it('a cell refers to a note and a link defined after the table', () => {
    const out = html('| a |\n|---|\n| x[^n] [y][r] |\n\n[^n]: Note.\n\n[r]: https://example.com/\n')
    expect(out).toContain('href="#fn-n"')
    expect(out).toContain('<a href="https://example.com/">y</a>')
  })
})

describe('HTML comments', () => {
  it('a comment below an attribute list is no paragraph line (Chirpy\'s `{: .mt-4 }` above `<!-- markdownlint-restore -->`)', () => {
    const out = html('Text\n\n{: .mt-4 }\n<!-- restore -->\n\n## H\n')
    expect(out).not.toContain('<p class="mt-4"')
    expect(features(out).paragraphs).toBe(1)
  })

  it('a comment below a paragraph line stays in the paragraph', () => {
    expect(html('Para\n<!-- x -->\nMore\n')).toBe('<p>Para\n<!-- x -->\nMore</p>\n')
  })
})

describe('kramdown block rules', () => {
  it('a ~~~ line with text after it is no fence, and the rest of the post is Markdown', () => {
    const out = html('~~~——Name 2012.5.14~~~\n\n## After\n\n**bold**\n')
    expect(out).not.toContain('<pre')
    expect(out).toContain('<h2 id="after">After</h2>')
    expect(out).toContain('<strong>bold</strong>')
  })

  it('an unclosed fence is no fence', () => {
    expect(html('```js\nlet a = 1\n\nText *em*\n')).not.toContain('<pre')
  })

  it('table rows indented by spaces or a tab stay rows; `|` in code is not a border', () => {
    const f = features(html('| a | b |\n|---|---|\n  | 1 | 2 |\n\t| 3 | 4 |\n| `x | y` | z |\n'))
    expect(f.tables).toEqual(['4×2'])
    expect(html('| `x | y` | z |\n')).toContain('<td><code>x | y</code></td>')
  })

  it('a table must stand between blank lines, as in kramdown', () => {
    expect(html('| a | b |\ntext after\n')).not.toContain('<table')
  })

  it('raw HTML with blank lines is raw to its end tag; markdown="1" parses its inside', () => {
    const out = html('<details>\n<summary>S</summary>\n\n<pre>a_b_c\n\nd_e_f</pre>\n\n</details>\n\n<div markdown="1">\n**x**\n</div>\n')
    expect(out).toContain('<pre>a_b_c\n\nd_e_f</pre>')
    expect(out).not.toContain('<em>')
    expect(out).toContain('<div>\n<p><strong>x</strong></p>\n</div>')
    expect(out).not.toContain('markdown=')
  })

  it('a bare URL is linked up to the CJK text after it', () => {
    expect(html('见 http://10.0.0.1:3000/，然后\n')).toBe('<p>见 <a href="http://10.0.0.1:3000/">http://10.0.0.1:3000/</a>，然后</p>\n')
  })

  it('one tilde is text, two strike through', () => {
    expect(html('1~2 天，3~4 周\n')).not.toContain('<del>')
    expect(html('~~gone~~\n')).toContain('<del>gone</del>')
  })

  it('a blockquote runs to the blank line, lazy list items included', () => {
    const f = features(html('> - a\n- b\n{: .prompt-info}\n'))
    expect(f.lists).toEqual(['ul 2'])
    expect(f.classes).toEqual(['blockquote.prompt-info'])
  })
})

describe('typography', () => {
  it.each([
    ['"a" and \'b\'', '\u201ca\u201d and \u2018b\u2019'],
    ["don't, the '90s", 'don\u2019t, the \u201990s'],
    ['a -- b --- c...', 'a \u2013 b \u2014 c\u2026'],
    ['<< x >>', '\u00ab\u00a0x\u00a0\u00bb'],
    // kramdown's own reading: the character before decides, a CJK letter closes.
    ['中文"引号"', '中文\u201d引号\u201d'],
  ])('%s', (input, output) => {
    expect(smartText(input)).toBe(output)
  })

  it('leaves code, and everything under `typography: plain`', () => {
    expect(html('`"a" -- b` "c"\n')).toBe('<p><code>&quot;a&quot; -- b</code> \u201cc\u201d</p>\n')
    expect(html('"c" -- d\n', 'plain')).toBe('<p>&quot;c&quot; -- d</p>\n')
  })
})

describe('code', () => {
  it('<lang>-diff highlights the language and marks added and removed lines', () => {
    for (const lang of ['swift-diff', 'ts-diff', 'diff-python']) {
      const out = html(`\`\`\`${lang}\n-let a = 1\n+var a = 2\n same\n\`\`\`\n`)
      expect(out).toContain('<span class="hljs-deletion">-')
      expect(out).toContain('<span class="hljs-addition">+')
      expect(out).toMatch(/hljs-(keyword|number)/)
    }
  })

  it('a span across lines is closed and reopened per line, so each diff line stays whole', () => {
    const out = html('```js-diff\n+/* a\n+ b */\n```\n')
    for (const line of out.split('\n').slice(0, 2)) expect(line.split('<span').length).toBe(line.split('</span>').length)
  })

  it('`{% endhighlight java %}` closes its block, as Liquid lets it', () => {
    const r = renderMarkdown('{% highlight java %}\nenum A {}\n{% endhighlight java %}\n\n**after**\n', { site: { url: 'https://a.example', baseurl: '', title: 't', description: '' } })
    expect(features(r.html).code).toHaveLength(1)
    expect(r.html).toContain('<strong>after</strong>')
  })

  it('unknown languages are plain code, reported once, not as warnings', () => {
    const r = renderMarkdown('```sequence\na\n```\n\n```sequence\nb\n```\n\n```mermaid2\nc\n```\n')
    expect(r.unknownLanguages.sort()).toEqual(['mermaid2', 'sequence'])
    expect(r.warnings).toEqual([])
  })
})

const site: SiteConfig = { title: 'T', description: '', url: 'https://blog.example', lang: 'en', timezone: 'UTC', permalink: '/:title/', paginate: 10, author: { name: 'A' } } as SiteConfig
const post = (front: string, body: string) => buildPost({ kind: 'post', path: 'posts/2024-01-01-x.md', text: `---\n${front}\n---\n${body}` }, site, Date.now())

describe('posts', () => {
  it('a title with entities is decoded once (every output escapes it once)', () => {
    expect(post('title: "Result&lt;T&gt; &amp; more"', 'x').title).toBe('Result<T> & more')
  })

  it('the excerpt falls back to the first paragraph with text', () => {
    expect(post('title: x', '![cover](/a.png)\n\n## Heading\n\nThe first words.\n').excerpt).toBe('The first words.')
  })

  it('embeds and style attributes widen only that page\u2019s CSP', () => {
    const p = post('title: x', '<script src="https://gist.github.com/u/1.js"></script>\n\n<img src="/a.png" style="width: 200px">\n')
    expect(p.csp).toEqual({ script: ['https://gist.github.com'], style: ['https://github.githubassets.com'], styleAttributes: true })
    const csp = pageCsp(p.scriptHashes, p.csp)
    // 'self', hashes of inline scripts (the layout's own among them), then exactly the gist's origin.
    const script = csp.split('; ').find((d) => d.startsWith('script-src '))!.split(' ')
    expect(script.filter((s) => !s.startsWith("'"))).toEqual(['script-src', 'https://gist.github.com'])
    expect(csp).toContain("style-src-attr 'unsafe-inline'")
    expect(post('title: x', 'Plain text.').csp).toEqual({})
    expect(cspSourcesOf('<iframe src="https://player.bilibili.com/p.html"></iframe><script src="http://insecure.example/x.js"></script>')).toEqual({ frame: ['https://player.bilibili.com'] })
  })
})

describe('classes found on real blogs', () => {
  const liquidSite = { url: 'https://blog.example', baseurl: '', title: 'T', description: '' }
  const withLiquid = (md: string) => renderMarkdown(md, { site: liquidSite }).html

  it('emphasis closes after a tag and a single _ cannot close a __ (kramdown, not CommonMark)', () => {
    expect(html('**<mark>注意：</mark>**Chirpy\n')).toBe('<p><strong><mark>注意：</mark></strong>Chirpy</p>\n')
    expect(html('__$L_{full}$__ x\n')).toBe('<p><strong>$L_{full}$</strong> x</p>\n')
    expect(html('snake_case and a * b * c\n')).toBe('<p>snake_case and a * b * c</p>\n')
  })

  it('a bare URL stops where kramdown sees emphasis, and only there', () => {
    expect(html('see https://a.example/?x_y=**f.jar**&z=1\n')).toBe('<p>see <a href="https://a.example/?x_y=">https://a.example/?x_y=</a><strong>f.jar</strong>&amp;z=1</p>\n')
    expect(html('https://a.example/c_d_e\n')).toBe('<p><a href="https://a.example/c_d_e">https://a.example/c_d_e</a></p>\n')
  })

  it('{% raw %} inside {% highlight %} leaves its text, not its tags', () => {
    const out = withLiquid('{% highlight liquid %}\n{% raw %}{{ page.x | jsonify }}{% endraw %}\n{% endhighlight %}\n')
    expect(out).toContain('{{ page.x | jsonify }}')
    expect(out).not.toContain('raw %}')
  })

  it('{% capture %} through markdownify and remove, as Minimal Mistakes writes figures', () => {
    const md = '{% capture img %}\n![Foo](/a.jpg)\n{% endcapture %}\n{% capture cap %}\nNo *stairs*.\n{% endcapture %}\n<figure>\n  {{ img | markdownify | remove: "<p>" | remove: "</p>" }}\n  <figcaption>{{ cap | markdownify | remove: "<p>" | remove: "</p>" }}</figcaption>\n</figure>\n'
    const f = features(withLiquid(md))
    expect(f.images).toEqual(['/a.jpg'])
    expect(f.em).toBe(1)
    expect(f.paragraphs).toBe(0)
    expect(withLiquid('{{ unknown | markdownify }}x\n')).toBe('<p>x</p>\n')
  })

  it('render_with_liquid: false leaves the Liquid as written', () => {
    const p = post('title: x\nrender_with_liquid: false', 'Use `{% raw %}` here.\n\n{% include embed/youtube.html id=\'abc\' %}\n')
    expect(p.html).toContain('<code>{% raw %}</code>')
    expect(p.html).not.toContain('<iframe')
    expect(post('title: x', 'Use `{% raw %}` here.\n').html).not.toContain('raw')
  })
})

describe('the comparison leaves out the deliberate differences, and only those', () => {
  it('Jekyll’s <figure class="highlight"> wrapper is not author HTML', () => {
    const jekyll = '<figure class="highlight"><pre><code class="language-java" data-lang="java">int a;</code></pre></figure>'
    expect(compareBody('x', jekyll, html('```java\nint a;\n```\n')).differences).toEqual([])
    expect(compareBody('x', '<figure><img src="/a.png"></figure>', '<p><img src="/a.png"></p>').identical).toBe(false)
  })

  it('a site default_lang on unnamed code, and Liquid code compared by language', () => {
    const jekyll = '<div class="language-kotlin highlighter-rouge"><pre><code>a: 1</code></pre></div>'
    expect(compareBody('x', jekyll, html('```\na: 1\n```\n'), { defaultLang: 'kotlin' }).identical).toBe(true)
    expect(compareBody('x', jekyll, html('```\na: 1\n```\n')).identical).toBe(false)
    const ran = '<div class="language-html highlighter-rouge"><pre><code></code></pre></div>'
    expect(compareBody('x', ran, html('```html\n{% if x %}<b>y</b>{% endif %}\n```\n')).identical).toBe(true)
    expect(compareBody('x', ran, html('```js\n{% if x %}y{% endif %}\n```\n')).identical).toBe(false)
  })

  it('<stdio.h> kramdown swallowed as an element is what Kumo shows as text', () => {
    const jekyll = '<p>Include <stdio.h>\n<p>next</p></stdio.h></p>'
    expect(compareBody('x', jekyll, '<p>Include &lt;stdio.h&gt;</p>\n<p>next</p>').differences).toEqual([])
    expect(compareBody('x', '<p>a <kbd>b</kbd></p>', '<p>a b</p>').identical).toBe(false)
  })
})

describe('emphasis stays fast on text built to defeat it', () => {
  it('25,000 openers with no closer render as text in seconds, not minutes', () => {
    const t = performance.now()
    const out = html('**a '.repeat(25_000))
    expect(performance.now() - t).toBeLessThan(5_000)
    expect(out).not.toContain('<strong>')
    // A closer far from its opener is still found in a real-sized paragraph.
    expect(html(`**${'word '.repeat(2_000)}end**\n`)).toContain('<strong>')
  })
})
