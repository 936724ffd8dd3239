/**
 * `npm run new -- "Post title"`: a new post file in content/posts/, dated now
 * in the site timezone, with an ASCII slug (new-post.ts).
 */

import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { newPost } from './new-post.ts'
import { paths } from './project.ts'

const { positionals } = parseArgs({ allowPositionals: true })
const title = positionals.join(' ').trim()
if (!title) {
  console.error('usage: npm run new -- "Post title"')
  process.exit(1)
}
try {
  const file = await newPost(paths.contentDir, title)
  console.log(`created ${relative(paths.root, file)}`)
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
