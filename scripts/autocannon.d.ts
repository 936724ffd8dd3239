// The part of autocannon's API (v9, README "API") that scripts/bench-load.ts uses.
// autocannon ships no types; this avoids a dependency on @types/autocannon for one call.
declare module 'autocannon' {
  interface RawRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }
  interface Options {
    url: string
    connections?: number
    amount?: number
    timeout?: number
    requests?: Array<RawRequest & { setupRequest?: (req: RawRequest, context: object) => RawRequest }>
  }
  interface Histogram {
    average: number
    p50: number
    p99: number
    max: number
    total: number
  }
  interface Result {
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    duration: number
    non2xx: number
    statusCodeStats?: Record<string, { count: number }>
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
