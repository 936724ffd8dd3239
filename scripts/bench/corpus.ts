/**
 * A generated Jekyll corpus for benchmarks: `count` posts of mixed Chinese and
 * English, shaped like a real Chirpy blog (front matter with tags and categories,
 * Swift / TypeScript / Objective-C code, tables, images, links, footnotes,
 * kramdown attribute lists), plus site.yml. Deterministic for a given seed, so
 * Kumo and Hugo are measured on the same bytes.
 *
 * Layout written under `dir`: site.yml, posts/YYYY-MM-DD-slug.md.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** mulberry32: a tiny seeded PRNG, good enough for shaping test text. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ZH = [
  '在这篇文章里我们讨论并发模型的设计取舍',
  '边缘计算让页面离读者更近',
  '缓存失效是计算机科学中最难的两件事之一',
  '我们用一个具体的例子说明这个问题',
  '性能优化首先要测量而不是猜测',
  '这个方案在生产环境运行了一年多',
  '内存占用随着文章数量线性增长',
  '静态站点生成器的构建时间是个常见痛点',
  '类型系统帮助我们在编译期发现错误',
  '下面的代码展示了基本用法',
]
const EN = [
  'Swift concurrency makes data races a compile-time error',
  'the edge is where latency budgets are won or lost',
  'we measured every change before and after',
  'a content-addressed store never serves a half-written page',
  'this pattern keeps the hot path free of allocations',
  'readers should never wait for a build',
  'Objective-C interop still matters in large codebases',
  'TypeScript narrows the union after the check',
  'the benchmark ran on two cores with a warm cache',
  'every URL from the old blog must keep working',
]
const TAGS = ['Swift', 'swift', 'iOS', 'ios', 'TypeScript', 'Cloudflare', 'Workers', '性能', '并发', '编译器', 'Objective-C', 'Web', 'Rust', 'Machine Learning', '大模型', '读书笔记']
const CATEGORIES = ['Programming', 'Tech', 'Life', '随笔', '工程', 'Notes']

const SWIFT = `actor Counter {
    private var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

let counter = Counter()
Task { print(await counter.increment()) }`

const TS = `export async function handle(req: Request, env: Env): Promise<Response> {
  const url = new URL(req.url)
  const hit = await env.KV.get(\`page:\${url.pathname}\`)
  return hit ? new Response(hit, { headers: { 'content-type': 'text/html' } }) : new Response('not found', { status: 404 })
}`

const OBJC = `@interface KMCache : NSObject
@property (nonatomic, strong) NSMutableDictionary<NSString *, id> *store;
- (nullable id)objectForKey:(NSString *)key;
@end

@implementation KMCache
- (nullable id)objectForKey:(NSString *)key {
    return self.store[key];
}
@end`

/** 3–5 tags: one or two common ones, the rest from the long tail. */
function realTags(rnd: () => number, pick: <T>(list: readonly T[]) => T): string[] {
  const out = new Set<string>([pick(TAGS)])
  const n = 3 + Math.floor(rnd() * 3)
  while (out.size < n) out.add(rnd() < 0.3 ? pick(TAGS) : pick(LONG_TAIL))
  return [...out]
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * `real`: posts shaped like a real imported blog's, for what a deploy costs:
 * median ~7 KB of Markdown, ~70% with code, half CJK-heavy, 3–5 tags from a
 * long tail of ~80, 1–2 categories, some images. The default shape stays as it
 * was, so the build and Hugo figures compare with earlier runs.
 */
export interface CorpusShape {
  real?: boolean
}

const LONG_TAIL = Array.from({ length: 64 }, (_, i) => `topic-${i}`)

/**
 * Draws ranks 0…n-1 by Zipf's law (weight 1/(r+1)^s), as words occur in
 * prose: a few very common, a long tail met once.
 */
function zipf(rnd: () => number, n: number, s: number): () => number {
  const cumulative = new Float64Array(n)
  let sum = 0
  for (let r = 0; r < n; r++) cumulative[r] = sum += 1 / (r + 1) ** s
  return () => {
    const x = rnd() * sum
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/**
 * The `real` shape's prose: words drawn by Zipf's law from vocabularies of
 * made-up Chinese words (one to three characters of the 3,500 most common
 * block) and English ones (syllables), so that a blog's distinct search terms
 * grow with it as a real blog's do. A handful of sentences repeated, as the
 * default shape writes, gave 631 distinct terms at 159 posts where the real
 * imported blogs have 6,699 at 53 English posts and 71,566 at 168 Chinese
 * ones (~1,700 per post): the search stage was measured on a tenth of the work.
 * Its own stream (from `seed`), so the vocabulary is the same for every size.
 */
function vocabulary(seed: number) {
  const rnd = random(seed)
  // Every sixth code point of CJK Unified Ideographs from U+4E00: 3,500 characters, as common Chinese text uses.
  const chars = Array.from({ length: 3500 }, (_, i) => String.fromCodePoint(0x4e00 + i * 6))
  const char = zipf(rnd, chars.length, 0.9)
  const zhWords = Array.from({ length: 30000 }, () => {
    const length = rnd() < 0.2 ? 1 : rnd() < 0.85 ? 2 : 3
    return Array.from({ length }, () => chars[char()]).join('')
  })
  const syllables = ['ka', 'to', 'ri', 'en', 'sa', 'mo', 'lu', 'ne', 'vi', 'da', 'pe', 'or', 'in', 'gu', 'ta', 'be', 'co', 'st', 'ex', 'ma', 'li', 'ur', 'fa', 'de']
  const enWords = Array.from({ length: 30000 }, (_, i) => (i < EN_COMMON.length ? EN_COMMON[i]! : Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => syllables[Math.floor(rnd() * syllables.length)]).join('')))
  return { zhWords, enWords, zhRank: zipf(rnd, zhWords.length, 1.0), enRank: zipf(rnd, enWords.length, 1.0) }
}

const EN_COMMON = 'the of and to a in is that for it as with was on be by this are we not or from at an which but have can if you one all they more their has its will when there so than what into only some used our each time like also do how use these then any other first new'.split(' ')

type Vocabulary = ReturnType<typeof vocabulary>

/** A sentence of `zh` or English words from the vocabulary: 10–30 characters, or 8–20 words. */
function vocabularySentence(rnd: () => number, words: Vocabulary, zh: boolean): string {
  const out: string[] = []
  if (zh) {
    const length = 10 + Math.floor(rnd() * 21)
    let n = 0
    while (n < length) {
      const word = words.zhWords[words.zhRank()]!
      out.push(word)
      n += word.length
    }
    return `${out.join('')}${rnd() < 0.3 ? '，' : '。'}`
  }
  const length = 8 + Math.floor(rnd() * 13)
  while (out.length < length) out.push(words.enWords[words.enRank()]!)
  return `${out.join(' ')}. `
}

/** Random words, sentences and paragraphs from one seeded stream; the order of calls fixes the bytes. */
function textFrom(rnd: () => number, words?: Vocabulary) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(list)))]
  const capital = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`
  const sentence = (zh: boolean) => (words ? vocabularySentence(rnd, words, zh) : zh ? `${pick(ZH)}，${pick(ZH)}。` : `${capital(pick(EN))}, and ${pick(EN)}. `)
  const paragraph = (zh: boolean) => Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => sentence(rnd() < 0.8 ? zh : !zh)).join(zh ? '' : ' ')
  return { rnd, pick, some, sentence, paragraph }
}

type Text = ReturnType<typeof textFrom>

const SITE_YML = [
  'title: Bench Blog 基准博客',
  'description: A generated corpus of mixed Chinese and English posts',
  'url: https://bench.example',
  'author: Bench',
  'lang: zh-CN',
  'timezone: Asia/Shanghai',
  'permalink: /posts/:title/',
  'paginate: 10',
  '',
].join('\n')

/** Writes `count` posts and site.yml under `dir`; the same seed writes the same bytes. */
export async function generateCorpus(dir: string, count: number, seed = 42, shape: CorpusShape = {}): Promise<void> {
  const text = textFrom(random(seed), shape.real ? vocabulary(seed + 1) : undefined)
  await mkdir(join(dir, 'posts'), { recursive: true })
  await writeFile(join(dir, 'site.yml'), SITE_YML)

  const start = Date.UTC(2012, 0, 1)
  const span = Date.UTC(2024, 11, 31) - start
  const files: Array<[string, string]> = []
  for (let i = 0; i < count; i++) {
    files.push(postFile(text, i, () => start + Math.floor((span * i) / Math.max(1, count)) + Math.floor(text.rnd() * 3_600_000), shape))
  }
  // Bounded parallelism: thousands of writes at once would exhaust file handles.
  for (let i = 0; i < files.length; i += 128) {
    await Promise.all(files.slice(i, i + 128).map(([name, text]) => writeFile(join(dir, 'posts', name), text)))
  }
}

/** Post `i`: its file name and text; `drawMs` draws its time (after its language, as the stream has it). */
function postFile(text: Text, i: number, drawMs: () => number, shape: CorpusShape): [string, string] {
  const { rnd, pick, some, sentence } = text
  const zh = rnd() < (shape.real ? 0.5 : 0.6)
  const d = new Date(drawMs())
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]
  const slug = `${zh ? 'post' : 'notes'}-${i}-${pick(['swift', 'edge', 'cache', 'types', 'build'])}`
  const title = zh ? `${pick(ZH)}（${i}）` : `${pick(EN)} (${i})`
  const tags = shape.real ? realTags(rnd, pick) : some(TAGS, 4)
  const categories = some(CATEGORIES, 2)
  const front = [
    '---',
    `title: "${title}"`,
    `date: ${y}-${pad(m)}-${pad(day)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0800`,
    rnd() < 0.5 ? `categories: [${categories.join(', ')}]` : `categories: ${categories.map((c) => c.replace(/ /g, '-')).join(' ')}`,
    `tags: [${tags.map((t) => JSON.stringify(t)).join(', ')}]`,
    ...(rnd() < 0.3 ? [`description: "${sentence(zh)}"`] : []),
    ...(rnd() < 0.2 ? [`image:\n  path: /assets/img/cover-${i % 50}.png\n  alt: cover ${i}`] : []),
    ...(rnd() < 0.1 ? ['pin: false', 'toc: true', 'comments: true', 'layout: post'] : []),
    '---',
  ]
  const body = postBody(text, i, zh, shape)
  return [`${y}-${pad(m)}-${pad(day)}-${slug}.md`, `${front.join('\n')}\n\n${body.join('\n')}`]
}

/** A post's Markdown: an excerpt, sections of prose with code, tables, figures, prompts or task lists, maybe a footnote. */
function postBody(text: Text, i: number, zh: boolean, shape: CorpusShape): string[] {
  const { rnd, pick, sentence, paragraph } = text
  const body: string[] = [paragraph(zh), '<!--more-->', '']
  const sections = shape.real ? 3 + Math.floor(rnd() * 5) : 2 + Math.floor(rnd() * 4)
  // A real post has code in most sections or in none (drawn only for that shape: the default's bytes stay as they were).
  const coded = shape.real && rnd() < 0.7
  for (let s = 0; s < sections; s++) {
    body.push(`## ${zh ? '第' + (s + 1) + '节 ' + pick(ZH).slice(0, 8) : `Part ${s + 1}: ${pick(EN).slice(0, 24)}`}`, '', paragraph(zh), '')
    if (shape.real) body.push(paragraph(zh), '')
    const r = shape.real ? (coded ? rnd() * 0.6 : 0.6 + rnd() * 0.4) : rnd()
    if (r < 0.25) body.push('```swift', SWIFT, '```', '')
    else if (r < 0.45) body.push('```typescript', TS, '```', '{: file="src/index.ts" }', '')
    else if (r < 0.6) body.push('```objc', OBJC, '```', '')
    else if (r < 0.7) body.push('| 方案 | 耗时 (ms) | Notes |', '|---|---:|---|', `| A | ${Math.floor(rnd() * 900)} | cold |`, `| B | ${Math.floor(rnd() * 90)} | warm |`, '')
    else if (r < 0.8) body.push(`![${zh ? '示意图' : 'diagram'}](/assets/img/fig-${i % 100}.png){: w="700" h="400" .shadow }`, '')
    else if (r < 0.88) body.push(`> ${sentence(zh)}`, '{: .prompt-tip }', '')
    else body.push(`- [x] ${sentence(zh)}`, `- [ ] ${sentence(!zh)}`, `- ~~${pick(EN)}~~ see [the docs](https://developer.apple.com/documentation/swift){:target="_blank"}`, '')
    body.push(paragraph(zh), '')
  }
  if (rnd() < 0.4) body.push(`${sentence(zh)}[^1]`, '', `[^1]: ${sentence(!zh)}`, '')
  return body
}
