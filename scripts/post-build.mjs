// Trunk's post-build hook: each step, in order, in Trunk's staging directory. Trunk runs the
// hooks of one stage concurrently, so steps that read what the previous one wrote are one
// hook. Each step exits non-zero on failure, which fails the build.
await import('./wasm-split.mjs');
await import('./externalize-loader.mjs');
await import('./site-files.mjs');
await import('./service-worker.mjs');
