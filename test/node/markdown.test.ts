// Markdown as kramdown-in-GFM-mode renders real Jekyll/Chirpy posts: attribute
// lists and Liquid leave no stray text, code is highlighted at build time.
import { describe, expect, it } from 'vitest'
import { htmlToText } from '../../scripts/pipeline/html.ts'
import { parkIals, unparkIals } from '../../scripts/pipeline/ial.ts'
import { renderMarkdown } from '../../scripts/pipeline/markdown.ts'

const site = { url: 'https://blog.example', baseurl: '/sub', title: 'Blog', description: 'D' }
const render = (source: string) => renderMarkdown(source, { site })
const html = (source: string) => render(source).html

/** Visible text outside code: where a stray `{:` or `{%` would show to readers. */
const prose = (h: string) => htmlToText(h.replace(/<pre[\s\S]*?<\/pre>/g, ''))

describe('kramdown attribute lists', () => {
  it.each([
    ['a blockquote (Chirpy prompt)', '> Tip text\n{: .prompt-tip }\n', /<blockquote class="prompt-tip">\n<p>Tip text<\/p>/],
    ['a paragraph, after it', 'Para\n{: .lead #intro}\n', /<p id="intro" class="lead">Para<\/p>/],
    ['a paragraph, before it', '{: .lead}\nPara\n', /<p class="lead">Para<\/p>/],
    ['a code block', '```js\nx()\n```\n{: file="a.js" }\n', /<pre tabindex="0" file="a\.js"><code class="hljs language-js">/],
    ['a table', '| a | b |\n|---|---|\n| 1 | 2 |\n{: .wide}\n', /<table tabindex="0" class="wide">[\s\S]*<td>2<\/td>\n<\/tr>\n<\/tbody><\/table>/],
    ['a list', '- a\n- b\n{: .clean}\n', /<ul class="clean">\n<li>a<\/li>\n<li>b<\/li>/],
    ['a heading, on the next line', '## Title\n{: #custom .x}\n', /<h2 id="custom" class="x">Title<\/h2>/],
    ['a heading, kramdown header id', '## Title {#given}\n', /<h2 id="given">Title<\/h2>/],
    ['a link (span)', '[site](https://a.example){:target="_blank" rel="noopener"}\n', /<a href="https:\/\/a\.example" target="_blank" rel="noopener">site<\/a>/],
    ['an image (span), w/h as width/height', '![pic](/a.png){: w="700" h="400" .shadow }\n', /<img src="\/a\.png" alt="pic" loading="lazy" decoding="async" class="shadow" width="700" height="400">/],
    ['emphasis (span)', '**bold**{: .hl} text\n', /<strong class="hl">bold<\/strong> text/],
  ])('applies to %s and leaves no text', (_, source, expected) => {
    const out = html(source)
    expect(out).toMatch(expected)
    expect(out).not.toContain('{:')
  })

  it('drops an attribute list that has nothing to apply to, and kramdown extensions', () => {
    const out = html('Text {: .orphan } more\n\n{::comment}\n\n{:toc}\n')
    expect(prose(out)).toBe('Text more')
  })

  it('is not split by emphasis or HTML-like text inside the list', () => {
    const out = html('![a](/a.png){: data-x="1*2*3" .w-50 } and [b](/b){: title="<i>_x_</i>"} and **c**{: data-y="a_b_c"}\n')
    expect(out).toBe(
      '<p><img src="/a.png" alt="a" loading="lazy" decoding="async" class="w-50" data-x="1*2*3"> and <a href="/b" title="&lt;i&gt;_x_&lt;/i&gt;">b</a> and <strong data-y="a_b_c">c</strong></p>\n',
    )
  })

  it('escapes attribute values', () => {
    expect(html('Para\n{: title="Tom & Jerry\'s <3"}\n')).toContain('<p title="Tom &amp; Jerry&#39;s &lt;3">Para</p>')
  })

  it('keeps {: inside code as written', () => {
    expect(html('`{: .x}`\n\n```\n{: .y}\n```\n')).toMatch(/<code>\{: \.x\}<\/code>[\s\S]*\{: \.y\}/)
  })
})

describe('Liquid', () => {
  it('keeps {% raw %} content literally, in prose and in code', () => {
    const out = html('{% raw %}{{ page.title }} {% if x %}{% endraw %}\n\n```\n{% raw %}{{ a }}{% endraw %}\n```\n')
    expect(out).toContain('<p>{{ page.title }} {% if x %}</p>')
    expect(out).toContain('<code class="hljs">{{ a }}</code>')
  })

  it('turns {% highlight %} into highlighted code, with line numbers for linenos', () => {
    const out = html('{% highlight swift %}\nlet a = 1\n{% endhighlight %}\n\n{% highlight objc linenos %}\n@end\nint x;\n{% endhighlight %}\n')
    expect(out).toContain('<pre tabindex="0"><code class="hljs language-swift"><span class="hljs-keyword">let</span>')
    expect(out).toMatch(/<div class="code-linenos"><pre class="gutter" aria-hidden="true">1\n2<\/pre><pre tabindex="0"><code class="hljs language-objc">/)
    expect(out).not.toContain('{%')
  })

  it('fills site.url, site.baseurl and the url filters', () => {
    const out = html('[a]({{ site.url }}{{ site.baseurl }}/x/) {{ "/img/a.png" | relative_url }} {{ \'/b\' | absolute_url }} {{ site.title }}\n')
    expect(out).toContain('href="https://blog.example/sub/x/"')
    expect(prose(out)).toBe('a /sub/img/a.png https://blog.example/sub/b Blog')
  })

  it('removes unknown tags and outputs from prose with a warning, and drops comments', () => {
    const { html: out, warnings } = render('A {% assign x = 1 %}B {{ page.title }}C{% comment %}secret{% endcomment %}\n\n```liquid\n{{ kept }}\n```\n')
    expect(prose(out)).toBe('A B C')
    expect(out).toContain('{{ kept }}')
    expect(warnings).toEqual(['removed Liquid output {{ page.title }} (no equivalent here)', 'removed Liquid tag {% assign x = 1 %} (no equivalent here)'])
  })

  it("embeds Chirpy's YouTube include", () => {
    expect(html("{% include embed/youtube.html id='abc_DEF-1' %}\n")).toContain('src="https://www.youtube-nocookie.com/embed/abc_DEF-1"')
  })
})

describe('code highlighting', () => {
  it.each([
    ['swift', 'func f() -> Int { return 1 }', 'hljs-keyword'],
    ['objc', '@interface A : NSObject\n@end', 'hljs-keyword'],
    ['objective-c', '@interface A : NSObject\n@end', 'hljs-keyword'],
    ['c', 'int main(void) { return 0; }', 'hljs-type'],
    ['shell', 'echo "hi" | grep h', 'hljs-built_in'],
    ['bash', 'if [ -f x ]; then echo; fi', 'hljs-keyword'],
    ['json', '{"a": 1}', 'hljs-attr'],
    ['diff', '- a\n+ b', 'hljs-addition'],
    ['typescript', 'const a: number = 1', 'hljs-keyword'],
  ])('%s gets highlight.js classes', (lang, code, cls) => {
    const out = html(`\`\`\`${lang}\n${code}\n\`\`\`\n`)
    expect(out).toContain(`<code class="hljs language-${lang}">`)
    expect(out).toContain(`class="${cls}"`)
  })

  it.each(['swift-diff', 'sequence', 'no-such-lang'])('%s falls back to plain, escaped code', (lang) => {
    const out = html(`\`\`\`${lang}\n+ a <b> & c\n\`\`\`\n`)
    expect(out).toBe(`<pre tabindex="0"><code class="hljs language-${lang}">+ a &lt;b&gt; &amp; c</code></pre>\n`)
  })
})

describe('GFM and kramdown features', () => {
  it('renders task lists, strikethrough, autolinks and tables', () => {
    const out = html('- [x] done\n- [ ] todo\n\n~~gone~~ https://auto.example\n\n| a |\n|---|\n| 1 |\n')
    expect(out).toContain('<input checked="" disabled="" type="checkbox"> done')
    expect(out).toContain('<del>gone</del>')
    expect(out).toContain('<a href="https://auto.example">https://auto.example</a>')
    expect(out).toContain('<td>1</td>')
  })

  it('passes raw HTML through', () => {
    const source = '<video src="/a.mp4" controls></video>\n\n<details><summary>More</summary>\n\nHidden\n\n</details>\n\n<script>console.log(1)</script>\n'
    const out = html(source)
    expect(out).toContain('<video src="/a.mp4" controls></video>')
    expect(out).toContain('<details><summary>More</summary>')
    expect(out).toContain('<script>console.log(1)</script>')
  })

  it('renders footnotes at the end', () => {
    const out = html('Claim[^n].\n\n[^n]: Source.\n\nAfter.\n')
    expect(out).toMatch(/Claim<sup><a id="fn-ref-n" href="#fn-n"[\s\S]*<p>After\.<\/p>\n<section class="footnotes"/)
  })

  it('gives headings GitHub-style ids with CJK kept, unique, and a TOC', () => {
    const { html: out, toc } = render('# Swift 并发 入门\n\n## Same\n\n## Same\n')
    expect(out).toContain('<h1 id="swift-并发-入门">')
    expect(toc.map((t) => t.id)).toEqual(['swift-并发-入门', 'same', 'same-1'])
  })
})

describe('the renderer keeps no state between documents', () => {
  it('parks attribute lists in the text itself: another document parked in between changes nothing', () => {
    const a = parkIals('<div>{: .kept-a }</div>\n')
    parkIals('<div>{: .other }</div>\n{: .more }\n')
    expect(unparkIals(a)).toBe('<div>{: .kept-a }</div>\n')
  })

  it('gives each document its own heading ids and footnotes, however renders interleave', () => {
    const doc = '# Same\n\n# Same\n\nText[^n].\n\n[^n]: Note.\n'
    const first = render(doc)
    expect(render(doc)).toEqual(first)
    expect(first.toc.map((t) => t.id)).toEqual(['same', 'same-1'])
    expect(first.html.match(/<li id="fn-n">/g)).toHaveLength(1)
  })
})
