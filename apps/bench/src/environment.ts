/** What a result must record about where it ran: versions, commit, machine, threads, backend. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Environment } from './results/types.js';

const WORKSPACE_PACKAGES = ['@lowbit/formats', '@lowbit/tensor', '@lowbit/backend-wasm', '@lowbit/autograd', '@lowbit/nn', '@lowbit/models', '@lowbit/optim', '@lowbit/datasets'];

function packageVersion(name: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return undefined; // not installed: left out rather than guessed
  }
}

function gitCommit(): string | null {
  try {
    // Asked from the bench's own folder: the commit of the code that ran, wherever the user stands.
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

export function collectEnvironment(options: { threads: number; backend: string }): Environment {
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const packages: Record<string, string> = { '@lowbit/bench': own.version };
  for (const name of WORKSPACE_PACKAGES) {
    const version = packageVersion(name);
    if (version !== undefined) packages[name] = version;
  }
  const processors = cpus();
  return {
    node: process.version,
    packages,
    commit: gitCommit(),
    machine: { cpuModel: processors[0]?.model.trim() ?? 'unknown', cores: Math.max(1, processors.length), memoryBytes: totalmem(), platform: platform(), arch: arch() },
    threads: options.threads,
    backend: options.backend,
    startedAt: new Date().toISOString(),
  };
}
