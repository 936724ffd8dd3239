/**
 * UI strings in zh-Hans and en, picked by site.yml's `lang`.
 */

const zh = {
  home: '首页',
  archives: '归档',
  tags: '标签',
  categories: '分类',
  about: '关于',
  feed: '订阅',
  readingTime: (n: number) => `约 ${n} 分钟`,
  updated: '更新于',
  toc: '目录',
  prevPost: '上一篇',
  nextPost: '下一篇',
  related: '相关文章',
  newer: '较新',
  older: '较旧',
  page: (n: number, of: number) => `第 ${n} / ${of} 页`,
  posts: (n: number) => `${n} 篇文章`,
  taggedWith: (name: string) => `标签：${name}`,
  inCategory: (name: string) => `分类：${name}`,
  notFoundTitle: '页面不存在',
  notFoundText: '这个地址没有内容。它可能已被移动或删除。',
  unavailableTitle: '暂时无法访问',
  unavailableText: '站点暂时出了点问题，请稍后再试。',
  unpublishedTitle: '站点正在发布',
  unpublishedText: '内容还在上传中，请过一会儿再来。',
  methodTitle: '不支持的请求方法',
  backHome: '回到首页',
  pinned: '置顶',
  skip: '跳到正文',
  noPosts: '还没有文章。',
}

const en: typeof zh = {
  home: 'Home',
  archives: 'Archives',
  tags: 'Tags',
  categories: 'Categories',
  about: 'About',
  feed: 'Feed',
  readingTime: (n) => `${n} min read`,
  updated: 'Updated',
  toc: 'Contents',
  prevPost: 'Older',
  nextPost: 'Newer',
  related: 'Related posts',
  newer: 'Newer',
  older: 'Older',
  page: (n, of) => `Page ${n} of ${of}`,
  posts: (n) => `${n} post${n === 1 ? '' : 's'}`,
  taggedWith: (name) => `Tagged: ${name}`,
  inCategory: (name) => `Category: ${name}`,
  notFoundTitle: 'Page not found',
  notFoundText: 'There is nothing at this address. It may have moved or been removed.',
  unavailableTitle: 'Temporarily unavailable',
  unavailableText: 'Something went wrong on our side. Please try again in a moment.',
  unpublishedTitle: 'This site is being published',
  unpublishedText: 'Its content is still being uploaded. Please come back shortly.',
  methodTitle: 'Method not allowed',
  backHome: 'Back to the home page',
  pinned: 'Pinned',
  skip: 'Skip to content',
  noPosts: 'No posts yet.',
}

export type Strings = typeof zh

export function strings(lang: string): Strings {
  return lang.toLowerCase().startsWith('zh') ? zh : en
}
