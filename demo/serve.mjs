/**
 * The demo's static server (`npm run demo`): the Larkspur Health site from demo/, the built SDK
 * from dist/ at /dist/, and the SPA at /spa/ (every extensionless /spa/... path answers with the
 * SPA's index.html, so client-side routes survive a reload).
 *
 * Third-party tags (Google, Meta, LinkedIn, Microsoft, YouTube, Vimeo, X) are the vendors' real
 * URLs: the browser asks for them itself once the visitor allows them. Offline they simply fail to
 * load; the console (the config sets `debug: true`) and the SPA's panel show what ConsentGate held
 * and let go.
 *
 * Proof of consent: the reference collector (server/) answers under /collector/ on the same origin
 * (`receipts.endpoint` is "/collector/receipts"), storing receipts in a SQLite file
 * ($CONSENTGATE_DB, else .tmp/demo-receipts.sqlite); its read side takes the token "demo".
 *
 * Port: $PORT, else the first free port from 5173.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO = resolve(ROOT, 'demo');
const DIST = resolve(ROOT, 'dist');
const COLLECTOR = '/collector';
export const DEMO_READ_TOKEN = 'demo';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** `rel` inside `dir`, or null when it would escape it. */
function inside(dir, rel) {
  const full = resolve(dir, '.' + sep + rel);
  return full === dir || full.startsWith(dir + sep) ? full : null;
}

async function fileAt(path) {
  if (!path) return null;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return fileAt(resolve(path, 'index.html'));
    return info.isFile() ? path : null;
  } catch {
    return null;
  }
}

/** Where a URL path lives on disk (null: 404). */
async function lookup(pathname) {
  if (pathname.startsWith('/dist/')) return fileAt(inside(DIST, pathname.slice('/dist/'.length)));
  if (pathname.startsWith('/bench/') || pathname.endsWith('.mjs') || pathname.endsWith('.ts')) return null; // only the site
  const found = await fileAt(inside(DEMO, pathname.slice(1)));
  if (found) return found;
  // SPA routes: /spa/appointments etc. are client-side pages.
  if ((pathname === '/spa' || pathname.startsWith('/spa/')) && !extname(pathname)) return fileAt(resolve(DEMO, 'spa', 'index.html'));
  return null;
}

/** The collector's store (a SQLite file); the collector itself starts once the port, so the origin, is known. */
async function openReceipts(db) {
  const { createCollector, openStore } = await import('../server/dist/index.mjs');
  await mkdir(resolve(db, '..'), { recursive: true });
  const store = await openStore(db);
  await store.migrate();
  return { store, start: (origins) => createCollector(store, { origins, readToken: DEMO_READ_TOKEN }) };
}

/**
 * Starts the demo server; `port: 0` picks any free port. `receiptsDb`: the collector's SQLite file.
 * Resolves with `{ url, port, close }`.
 */
export async function startDemoServer({ port = 5173, host = '127.0.0.1', tries = 50, receiptsDb = process.env.CONSENTGATE_DB ?? resolve(ROOT, '.tmp', 'demo-receipts.sqlite') } = {}) {
  const receipts = await openReceipts(receiptsDb);
  let collector = null;
  const server = createServer(async (req, res) => {
    if (req.url === COLLECTOR || req.url?.startsWith(COLLECTOR + '/')) {
      if (!collector) return void res.writeHead(503).end();
      req.url = req.url.slice(COLLECTOR.length) || '/';
      collector.server.emit('request', req, res);
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://demo').pathname);
    } catch {
      res.writeHead(400).end('bad url');
      return;
    }
    const file = await lookup(pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}`);
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  for (let attempt = 0; ; attempt++) {
    const candidate = port === 0 ? 0 : port + attempt;
    try {
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(candidate, host, () => {
          server.off('error', fail);
          ok();
        });
      });
      break;
    } catch (error) {
      if (error.code !== 'EADDRINUSE' || port === 0 || attempt + 1 >= tries) throw error;
    }
  }
  const actual = server.address().port;
  // Receipts come from this origin, under whichever name the visitor opened.
  collector = receipts.start([`http://localhost:${actual}`, `http://127.0.0.1:${actual}`, `http://${host}:${actual}`]);
  return {
    port: actual,
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actual}/`,
    receiptsDb,
    close: async () => {
      await new Promise((ok) => server.close(() => ok()));
      await receipts.store.close();
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fromEnv = process.env.PORT ? Number(process.env.PORT) : undefined;
  const { url, receiptsDb } = await startDemoServer(fromEnv === undefined ? {} : { port: fromEnv, tries: 1 });
  console.log(`Larkspur Health demo (ConsentGate) at ${url}`);
  console.log(`  home with the Opt Out link:  ${url}`);
  console.log(`  blog with embeds:            ${url}blog.html`);
  console.log(`  privacy policy + cookies:    ${url}privacy.html`);
  console.log(`  sensitive page:              ${url}conditions/type-2-diabetes.html`);
  console.log(`  SPA (npm import):            ${url}spa/`);
  console.log(`Consent receipts (SQLite ${receiptsDb}), read token "${DEMO_READ_TOKEN}":`);
  const today = new Date().toISOString().slice(0, 10);
  console.log(`  curl -H 'Authorization: Bearer ${DEMO_READ_TOKEN}' '${url}collector/stats?from=${today}&to=${today}'`);
  console.log(`  curl -H 'Authorization: Bearer ${DEMO_READ_TOKEN}' '${url}collector/export?from=${today}&to=${today}&format=csv'`);
  console.log('Ctrl+C to stop.');
}
