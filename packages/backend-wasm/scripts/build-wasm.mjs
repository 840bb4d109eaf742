// Compiles the AssemblyScript kernels (assembly/) into wasm/lowbit.wasm with the AssemblyScript
// compiler's API: no native toolchain, nothing downloaded. Skipped when the .wasm is newer than
// every source file, so `pnpm test` and `pnpm bench` can run it first at no cost.
// Flags (shared/wasm-notes.md): SIMD128 and threads, the memory imported from the host and shared
// between the worker threads, at most 65536 pages (4 GiB, the wasm32 limit).
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'wasm', 'lowbit.wasm');
const sources = readdirSync(join(root, 'assembly')).map((name) => join(root, 'assembly', name));
const force = process.argv.includes('--force');

function modified(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const newestSource = Math.max(...[...sources, fileURLToPath(import.meta.url)].map(modified));
if (!force && modified(output) > newestSource) {
  console.log('wasm/lowbit.wasm is up to date');
  process.exit(0);
}

mkdirSync(dirname(output), { recursive: true });
// Compile to a temporary file and rename: turbo may run this from two tasks at once (this package's
// test and a dependent's build), and a reader must never see a half-written module.
const temporary = `${output}.${process.pid}.tmp`;
const { default: asc } = await import('assemblyscript/asc');
const { error, stderr } = await asc.main([
  join(root, 'assembly', 'index.ts'),
  '--outFile', temporary,
  '--optimizeLevel', '3',
  '--shrinkLevel', '0',
  '--noAssert',
  '--runtime', 'stub',
  '--enable', 'simd',
  '--enable', 'threads',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory', '1',
  '--maximumMemory', '65536',
  '--use', 'abort=',
]);
if (error) {
  rmSync(temporary, { force: true });
  console.error(stderr.toString());
  console.error(`build-wasm: ${error.message}`);
  process.exit(1);
}
renameSync(temporary, output);
console.log(`wrote ${output} (${statSync(output).size} bytes)`);
