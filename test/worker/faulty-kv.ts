// A KV namespace wrapper that injects faults into reads of chosen keys, and a
// way to call the worker in this isolate with it (so `resetCaches` applies).
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import app from '../../src/index.ts'
import { CURRENT_KEY, buildKey } from '../../src/shared/keys.ts'
import { manifestFromText } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { ORIGIN } from './helpers.ts'

/** What a read of one key does: pass through, throw, never answer, or return this value. */
export type Fault = 'pass' | 'throw' | 'hang' | { value: string | null }
export type FaultPlan = (key: string) => Fault

const never = () => new Promise<never>(() => undefined)

export function faultyKv(real: KVNamespace, plan: FaultPlan): KVNamespace {
  // The worker reads the manifest as bytes (`'arrayBuffer'`) and records as text.
  const one = async (key: string, type?: 'text' | 'arrayBuffer'): Promise<string | ArrayBuffer | null> => {
    const fault = plan(key)
    if (fault === 'throw') throw new Error(`injected KV failure reading ${key}`)
    if (fault === 'hang') return never()
    if (fault !== 'pass') return type === 'arrayBuffer' && fault.value !== null ? new TextEncoder().encode(fault.value).buffer : fault.value
    return type === 'arrayBuffer' ? real.get(key, 'arrayBuffer') : real.get(key)
  }
  const get = async (key: string | string[], type?: 'text' | 'arrayBuffer'): Promise<unknown> => {
    if (!Array.isArray(key)) return one(key, type)
    return new Map(await Promise.all(key.map(async (k) => [k, await one(k)] as const)))
  }
  return { get } as unknown as KVNamespace
}

/** Fetches through the worker with CONTENT replaced, waiting for its `waitUntil` work. */
export async function fetchWith(kv: KVNamespace, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext()
  const res = await app.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }), { ...env, CONTENT: kv }, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

/** The seeded build's manifest, read from the real namespace. */
export async function seededManifest(): Promise<Manifest> {
  const id = await env.CONTENT.get(CURRENT_KEY)
  return manifestFromText((await env.CONTENT.get(buildKey(id!)))!)
}
