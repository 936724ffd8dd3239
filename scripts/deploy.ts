/**
 * Command line for `npm run deploy`, `npm run gc` and `npm run rollback`
 * (the commands are scripts/deploy/commands.ts).
 *
 *   npm run deploy [-- --dry-run] [--keep N] [--budget N] [--resume]
 *                                                build, upload what KV lacks, switch the worker;
 *                                                stops at the day's KV write budget, and the same
 *                                                command (or --resume) continues
 *   npm run gc [-- --yes] [--keep N]             delete keys the newest N builds do not reference
 *   npm run rollback [-- <buildId>]              bring back an earlier build's Worker version
 *
 * Every command takes `--local [--persist-to DIR]` to work on local KV (the one
 * `npm start` serves, `.wrangler/state` by default) instead of Cloudflare; a
 * local "deploy" then records BUILD_ID in <persist dir>/kumo-local-worker.json.
 */

import { parseArgs } from 'node:util'
import { CommandError, dryRun, runDeploy, runGc, runRollback, targets } from './deploy/commands.ts'
import { DEFAULT_KEEP } from './deploy/state.ts'
import { LOCAL_STATE } from './project.ts'

const USAGE = 'usage: tsx scripts/deploy.ts deploy|gc|rollback [--dry-run] [--keep N] [--budget N] [--resume] [--local] [--persist-to DIR] [--yes]'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    keep: { type: 'string', default: process.env.KUMO_KEEP_BUILDS ?? String(DEFAULT_KEEP) },
    budget: { type: 'string' },
    // The same as running deploy again: a paused deploy always resumes (scripts/deploy/budget.ts).
    resume: { type: 'boolean', default: false },
    local: { type: 'boolean', default: false },
    'persist-to': { type: 'string' },
    yes: { type: 'boolean', short: 'y', default: false },
  },
})
const [command, ...rest] = positionals

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

const keep = Number(values.keep)
if (!Number.isInteger(keep) || keep < 1) fail(`--keep must be a whole number of builds, at least 1 (got "${values.keep}")`)
const local = values.local || values['persist-to'] !== undefined
const t = targets({ keep, persistTo: local ? (values['persist-to'] ?? LOCAL_STATE) : undefined, budget: values.budget })

const commands: Record<string, () => Promise<void>> = {
  deploy: () => (values['dry-run'] ? dryRun(t) : runDeploy(t)),
  gc: () => runGc(t, values.yes),
  rollback: () => runRollback(t, rest[0]),
}
const run = commands[command ?? '']
if (!run) fail(USAGE)
try {
  await run()
} catch (error) {
  fail(error instanceof CommandError ? error.message : `${command} failed: ${(error as Error).message}`)
}
