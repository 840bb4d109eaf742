// Runs the backend in headless Chromium, on a cross-origin isolated page (module Web Workers over a
// shared memory) and on a plain one (one thread, unshared memory), and prints what each page
// reports (threads used, parallel runs, same bits as one unshared thread). Not part of `pnpm test`:
// it needs a Chromium and bundles with esbuild (both in the repository's CI image).
//
//   node scripts/build-wasm.mjs && node scripts/browser-check.mjs [path/to/chromium]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.argv[2] ?? 'chromium';
const work = mkdtempSync(join(tmpdir(), 'lowbit-browser-'));
// The browser build: the "browser" condition picks src/host-browser.ts for #host.
execFileSync('npx', ['esbuild', join(root, 'scripts/browser-check-entry.ts'), '--bundle', '--format=esm', '--platform=browser',
  '--target=es2022', '--conditions=@lowbit/source', `--outfile=${join(work, 'bundle.js')}`, '--log-level=warning'], { cwd: root, stdio: 'inherit' });

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><script type="module" src="bundle.js"></script>';
let resolveReport;
// /isolated/... is served with the cross-origin isolation headers, /plain/... without; below the
// prefix, /check/ is the page and its bundle, anything else a file of the package.
const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname === '/report') {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.end();
      resolveReport(JSON.parse(body));
    });
    return;
  }
  const [, prefix, ...rest] = url.pathname.split('/');
  const path = `/${rest.join('/')}`;
  const headers = prefix === 'isolated' ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  try {
    const file = path === '/check/' ? undefined : path.startsWith('/check/') ? join(work, path.slice(7)) : join(root, path);
    const body = file ? readFileSync(file) : PAGE;
    response.writeHead(200, { 'Content-Type': file ? (TYPES[extname(file)] ?? 'application/octet-stream') : 'text/html', ...headers });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

let failures = 0;
for (const prefix of ['isolated', 'plain']) {
  const report = new Promise((resolve) => (resolveReport = resolve));
  const browser = spawn(chromium, ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=1', `--user-data-dir=${join(work, `profile-${prefix}`)}`,
    `http://127.0.0.1:${port}/${prefix}/check/`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  browser.stderr.on('data', (chunk) => (log += chunk));
  const console_ = () => log.split('\n').filter((line) => line.includes('CONSOLE')).join('\n');
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ error: `no report within 60 s; console: ${console_()}` }), 60_000));
  const result = await Promise.race([report, timeout]);
  const exited = new Promise((resolve) => browser.once('exit', resolve));
  browser.kill();
  await exited;
  const isolated = prefix === 'isolated';
  const ok = !result.error && result.sameBits && result.crossOriginIsolated === isolated && result.threading?.workers === (isolated ? 'web' : 'none');
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${isolated ? 'cross-origin isolated' : 'not isolated'}: ${JSON.stringify(result)}`);
}
server.close();
rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
process.exit(failures === 0 ? 0 : 1);
