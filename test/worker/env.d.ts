// Bindings that only the worker tests have.
declare namespace Cloudflare {
  interface Env {
    TEST_SEED: string
  }
}
