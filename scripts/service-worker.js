// The service worker of the OAuth Playground: the app opens and runs its in-page flows with
// no network once it has been visited. scripts/service-worker.mjs writes this file into the
// build as sw.js, preceded by one line with the build's own list of files:
//   const BUILD = { version: '…', base: '/path/', files: ['/path/index.html', …] };
//
// What it does, and what it never does:
// - On install, it stores every file of this build (the hashed wasm, JS and CSS, the pages,
//   the examples, the icons) in a cache named after the build's version.
// - It answers GET requests of this origin, under its scope, for those files from that cache
//   first; a page address (`/path/`, `/path/callback?…`) is answered with its index.html.
// - Everything else goes to the network untouched and is never stored: other origins (every
//   real authorization server), other methods (POST to a token or PAR endpoint), and any
//   address that is not a file of the build. Nothing is added to the cache after install.
// - A new build is a new sw.js (its version and list change); the browser installs it in the
//   background, and it waits until the page says the user chose "Reload to update".

const CACHE = `oauth-playground-${BUILD.version}`;
const CACHE_PREFIX = 'oauth-playground-';
const FILES = new Set(BUILD.files);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(BUILD.files)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // The first visit's page is controlled from now on, without a reload.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

// The file of the build that answers `url`, or null when none does.
function buildFile(url, navigation) {
  if (url.origin !== self.location.origin || !url.pathname.startsWith(BUILD.base)) return null;
  let path = url.pathname;
  if (navigation) {
    if (path.endsWith('/')) path += 'index.html';
    else if (!FILES.has(path) && FILES.has(`${path}/index.html`)) path += '/index.html';
  }
  return FILES.has(path) ? path : null;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  const file = buildFile(url, request.mode === 'navigate');
  if (!file) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const cached = await cache.match(file);
      return cached ?? fetch(request);
    })(),
  );
});
