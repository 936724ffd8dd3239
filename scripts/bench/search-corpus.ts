/**
 * A generated blog for the search bench: mixed Chinese and English posts with a
 * Zipf-like word distribution, tags and the odd code block, the same for a given
 * seed. Unlike corpus.ts, whose few sentences repeat in every post (the worst case
 * for search), words here follow a Zipf-like spread, as real writing does.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { random } from './corpus.ts'

// The same deterministic PRNG (mulberry32) as corpus.ts: the same corpus on every run.
const rng = random

const ZH_WORDS =
  '人工智能 大模型 开源 国运 推理 芯片 算法 数据 模型 训练 竞争 产业 技术 创新 生态 市场 用户 工程师 架构 性能 缓存 边缘 计算 网络 安全 隐私 设计 阅读 写作 博客 历史 文明 科学 宇宙 城市 旅行 咖啡 音乐 电影 摄影 自行车 东京 北京 上海 春天 夏天 秋天 冬天 学习 思考 工作 生活 家庭 朋友 时间 未来 过去 问题 答案 方法 经验 工具 语言 编译器 并发 线程 协程 内存 磁盘 数据库 索引 搜索 排序 分词 中文 英文 翻译 文章 标题 标签 分类 归档 部署 发布 回滚 版本 测试 质量 速度 延迟 吞吐 成本 价格'.split(' ')
const ZH_GLUE = '的 了 在 是 我们 这个 一种 以及 因为 所以 但是 如果 就是 可以 没有 还是 已经 非常 更加 不会'.split(' ')
const EN_WORDS =
  'the of and to in is that for it as with on be this by are at from or an was but not have which they can will more one all about would their there what when your so out up into than only other some time very like also how new first could any these two may way then them well because even most where over after back use made just while work such here through between both being under never each same another much around however should last long great since without again place small found still world every part thing between edge cache worker request response latency kernel compiler swift concurrency actor thread memory pointer closure protocol generic library framework database index query search token shard ranking snippet markdown render template browser server network protocol header deploy rollback version manifest record listing feed atom sitemap'.split(' ')
const TAGS = 'AI 大模型 Swift iOS Notes web TypeScript Cloudflare 读书 旅行 音乐 摄影 编程 数据库 算法 网络 安全 设计 写作 生活'.split(' ')

function pick<T>(r: () => number, list: T[]): T {
  // Zipf-like: earlier words are much more frequent, as in real text.
  return list[Math.floor(list.length * r() ** 2.2)]!
}

function zhSentence(r: () => number): string {
  const parts: string[] = []
  const n = 6 + Math.floor(r() * 10)
  for (let i = 0; i < n; i++) parts.push(r() < 0.35 ? pick(r, ZH_GLUE) : pick(r, ZH_WORDS))
  return `${parts.join('')}${r() < 0.8 ? '。' : '，'}`
}

function enSentence(r: () => number): string {
  const n = 8 + Math.floor(r() * 14)
  const words = Array.from({ length: n }, () => pick(r, EN_WORDS))
  return `${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`
}

/** A post of 600–2,000 characters: mostly Chinese, some English, now and then code. */
function post(r: () => number, i: number): string {
  const day = new Date(Date.UTC(2015, 0, 1) + i * 6 * 3600 * 1000)
  const date = day.toISOString().slice(0, 19).replace('T', ' ')
  const english = r() < 0.3
  const title = english ? enSentence(r).slice(0, 60) : zhSentence(r).slice(0, 20)
  const tags = [...new Set([pick(r, TAGS), pick(r, TAGS)])]
  const paragraphs: string[] = []
  const count = 3 + Math.floor(r() * 6)
  for (let p = 0; p < count; p++) {
    const sentences = Array.from({ length: 2 + Math.floor(r() * 4) }, () => (english || r() < 0.15 ? enSentence(r) : zhSentence(r)))
    paragraphs.push(sentences.join(english ? ' ' : ''))
    if (r() < 0.1) paragraphs.push('```swift\nactor Cache {\n  var items: [String: Data] = [:]\n}\n```')
  }
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date} +00:00\ntags: ${JSON.stringify(tags)}\n---\n\n${paragraphs.join('\n\n')}\n`
}

export async function corpus(dir: string, count: number, seed: number): Promise<void> {
  const r = rng(seed)
  await mkdir(join(dir, 'posts'), { recursive: true })
  await writeFile(join(dir, 'site.yml'), 'title: Bench\nurl: https://bench.example\nlang: zh-Hans\ntimezone: UTC\npermalink: /:year/:month/:day/:title/\npaginate: 10\n')
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, (_, k) => writeFile(join(dir, 'posts', `2015-01-01-post-${i + k}.md`), post(r, i + k))),
    )
  }
}
