// Types the worker's main module for `exports` from "cloudflare:workers" in tests.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../worker/index');
  }
}
