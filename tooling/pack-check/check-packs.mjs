// For every publishable workspace package (a dependency of this package): pack it with pnpm, install
// the tarball (and the tarballs of its @lowbit dependencies) into an empty project with npm, then
// import it from plain Node and type-check a consumer against its declarations. This is how a user
// installing one package from npm sees it: only `files`, `exports`, `types` and declared dependencies.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const typescript = join(root, 'node_modules/typescript/bin/tsc');
const self = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const names = Object.keys(self.devDependencies).filter((name) => name.startsWith('@lowbit/'));

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function packageDirectory(name) {
  for (const folder of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'));
    if (manifest.name === name) return { directory: join(root, 'packages', folder), manifest };
  }
  throw new Error(`no package ${name} under packages/`);
}

function internalDependencies(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const { manifest } = packageDirectory(name);
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    if (dependency.startsWith('@lowbit/')) internalDependencies(dependency, seen);
  }
  return seen;
}

const work = mkdtempSync(join(tmpdir(), 'lowbit-pack-'));
let failures = 0;
let passes = 0;
try {
  const tarballs = new Map();
  for (const name of new Set(names.flatMap((name) => [...internalDependencies(name)]))) {
    const { directory } = packageDirectory(name);
    const output = run('pnpm', ['pack', '--pack-destination', work], directory).trim().split('\n');
    tarballs.set(name, output[output.length - 1].trim());
  }
  for (const name of names) {
    const project = join(work, `consumer-${name.replace(/[@/]/g, '_')}`);
    run('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const needed = [...internalDependencies(name)].map((dependency) => tarballs.get(dependency));
    try {
      run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...needed], project);
      const exportsCount = run('node', ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length);`], project).trim();
      if (Number(exportsCount) < 1) throw new Error(`${name} imported with no exports`);
      writeFileSync(join(project, 'consumer.ts'), `import * as library from ${JSON.stringify(name)};\nexport const names: string[] = Object.keys(library);\n`);
      run('node', [typescript, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'consumer.ts'], project);
      console.log(`ok   ${name}: installed from ${needed.length} tarball(s), ${exportsCount} exports, types resolve`);
      passes++;
    } catch (error) {
      failures++;
      console.error(`FAIL ${name}: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
