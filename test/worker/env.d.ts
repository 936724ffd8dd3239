// Bindings that only the worker tests have.
declare namespace Cloudflare {
  interface Env {
    TEST_SEED: string
    // A build of the fixture with DELTA_EDIT made, its search index a delta on the first build's.
    TEST_DELTA_BUILD: string
  }
}
