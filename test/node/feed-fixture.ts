/**
 * A generated blog for the feed tests: more posts than a feed page holds (so
 * pagination is followed), titles that need escaping in XML and JSON, and
 * posts with relative links, images and code. Written to a temp dir per run,
 * not to the shared fixture.
 */

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const POST_COUNT = 45

/** Titles the feeds must carry exactly (after XML drops what it cannot hold). */
export const TRICKY_TITLES = [
  'Fish & chips <b>bold</b> ]]> done',
  `He said "hi" and 'bye'`,
  '表情 🎉 and 中文标题：边缘渲染',
  'Bell\u0007 and\u0001 vertical\u000B tab',
  '</content><script>alert(1)</script>',
]

/** What XML 1.0 lets through of a title: the same, less C0 controls other than tab, LF, CR. */
export const xmlVisible = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')

const yamlString = (s: string) => JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/gi, '\\x$1')

export function titleOf(i: number): string {
  return TRICKY_TITLES[i] ?? `Post number ${i} 第${i}篇`
}

function post(i: number): string {
  const day = new Date(Date.UTC(2021, 0, 1 + i * 3)).toISOString().slice(0, 10)
  const tags = i % 2 ? '[alpha, beta]' : '[alpha]'
  return `---
title: ${yamlString(titleOf(i))}
date: ${day} 10:${String(i % 60).padStart(2, '0')}:00 +09:00
categories: [Feeds]
tags: ${tags}
description: "Summary of post ${i} with <angle> & ampersand"
${i % 5 === 0 ? `last_modified_at: 2022-06-${String(1 + (i % 28)).padStart(2, "0")} 08:00:00 +02:00\n` : ''}---

Intro for post ${i}, with a [relative link](../other/) and a [root link](/about/) and a [fragment](#code).
![an image](/assets/img/p${i}.png)

<a href="raw/relative.html">raw HTML link</a> <span title="a]]>b">cdata ]]> end</span>

## Code

\`\`\`js
if (a < b && c > d) console.log("]]>", '<script>')
\`\`\`
`
}

/** Writes the blog; returns its content dir. */
export async function writeFeedFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kumo-feeds-'))
  await mkdir(join(dir, 'posts'), { recursive: true })
  await writeFile(
    join(dir, 'site.yml'),
    `title: "Feeds & <Tests>"\ndescription: "A blog with ${POST_COUNT} posts"\nurl: https://feeds.example.org\nauthor: Feed Author\nlang: en\ntimezone: Asia/Tokyo\npermalink: /:year/:month/:title/\npaginate: 7\ntaxonomy_paginate: 7\n`,
  )
  await Promise.all(Array.from({ length: POST_COUNT }, (_, i) => writeFile(join(dir, 'posts', `2021-01-01-post-${i}.md`), post(i))))
  return dir
}
