/**
 * The demo's static server (`npm run demo`): the Larkspur Health site from demo/, the built SDK
 * from dist/ at /dist/, and the SPA at /spa/ (every extensionless /spa/... path answers with the
 * SPA's index.html, so client-side routes survive a reload).
 *
 * Third-party tags (Google, Meta, LinkedIn, YouTube, X) are the vendors' real URLs: the browser
 * asks for them itself once the visitor allows them. Offline they simply fail to load; the
 * console (the config sets `debug: true`) and the SPA's panel show what ConsentGate held and let go.
 *
 * Port: $PORT, else the first free port from 5173.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO = resolve(ROOT, 'demo');
const DIST = resolve(ROOT, 'dist');

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

/** Starts the demo server; `port: 0` picks any free port. Resolves with `{ url, port, close }`. */
export async function startDemoServer({ port = 5173, host = '127.0.0.1', tries = 50 } = {}) {
  const server = createServer(async (req, res) => {
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
  return {
    port: actual,
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actual}/`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fromEnv = process.env.PORT ? Number(process.env.PORT) : undefined;
  const { url } = await startDemoServer(fromEnv === undefined ? {} : { port: fromEnv, tries: 1 });
  console.log(`Larkspur Health demo (ConsentGate) at ${url}`);
  console.log(`  home with the Opt Out link:  ${url}`);
  console.log(`  blog with embeds:            ${url}blog.html`);
  console.log(`  privacy policy + cookies:    ${url}privacy.html`);
  console.log(`  sensitive page:              ${url}conditions/type-2-diabetes.html`);
  console.log(`  SPA (npm import):            ${url}spa/`);
  console.log('Ctrl+C to stop.');
}
