/**
 * PyTorch CPU as a `micro` peer: runs apps/bench/python/micro_peer.py in a child process with the
 * workload list as JSON on stdin and reads its JSON result. The first Python that imports torch
 * wins (LOWBIT_PYTHON, else `python3` on PATH, else Debian's /usr/bin/python3, whose python3-torch
 * a pyenv or venv `python3` does not see). Without one the peer is skipped with a reason, never
 * faked. The child's environment drops OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (they cripple
 * Debian's OpenBLAS) and sets OMP_WAIT_POLICY=PASSIVE unless the caller set it: spinning OpenMP
 * threads on a machine shared with other work slowed small PyTorch ops by up to 100x here.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { emptyResult, type SystemResult, type Timing, type Workload } from './workloads.js';

export const PYTORCH_SKIP_REASON = 'PyTorch peer skipped: python3 with torch not found (apt-get install python3-torch libopenblas0-openmp)';
export const PEER_SCRIPT = fileURLToPath(new URL('../../python/micro_peer.py', import.meta.url));

/** The script ran with torch but failed (bad output, non-zero exit, timeout). */
export class PyTorchPeerError extends Error {
  override name = 'PyTorchPeerError';
}

export interface PyTorchOptions {
  timing: Timing;
  seed: number;
  threads: number;
  /** Executables to try in order. Default: LOWBIT_PYTHON if set, else python3 and /usr/bin/python3. */
  pythons?: readonly string[];
  script?: string;
  /** The child is killed after this long. Default 900. */
  timeoutSeconds?: number;
}

export interface PyTorchResult extends SystemResult {
  status: 'measured' | 'skipped' | 'failed';
  /** The executable that ran the peer, when one had torch. */
  python?: string;
}

export function defaultPythons(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.LOWBIT_PYTHON !== undefined && env.LOWBIT_PYTHON !== '' ? [env.LOWBIT_PYTHON] : ['python3', '/usr/bin/python3'];
}

/** The child's environment: OpenBLAS overrides removed, OpenMP threads that sleep at barriers unless told otherwise. */
export function peerEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env, OMP_WAIT_POLICY: env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  delete child.OPENBLAS_CORETYPE;
  delete child.OPENBLAS_L2_SIZE;
  return child;
}

interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** spawn failed (ENOENT: no such executable). */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

function runChild(python: string, script: string, input: string, timeoutSeconds: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(python, [script], { env: peerEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined); // a child that exits before reading its stdin (EPIPE)
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, spawnError: error, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.end(input);
  });
}

function parseResult(python: string, stdout: string, workloads: readonly Workload[]): PyTorchResult {
  let parsed: { system?: unknown; measurements?: unknown; skipped?: unknown; notes?: unknown; executable?: unknown };
  try {
    parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    throw new PyTorchPeerError(`${python} printed no JSON result: ${stdout.slice(0, 200)}`);
  }
  const measurements = Array.isArray(parsed.measurements) ? parsed.measurements : [];
  const known = new Set(workloads.map((w) => w.name));
  for (const m of measurements) {
    if (typeof m?.name !== 'string' || !known.has(m.name) || typeof m.value !== 'number' || !Number.isFinite(m.value) || m.value <= 0 || typeof m.unit !== 'string') {
      throw new PyTorchPeerError(`${python} returned a bad measurement: ${JSON.stringify(m)}`);
    }
  }
  return {
    system: typeof parsed.system === 'string' ? parsed.system : 'pytorch',
    measurements,
    skipped: Array.isArray(parsed.skipped) ? parsed.skipped : [],
    notes: [...(Array.isArray(parsed.notes) ? parsed.notes.map(String) : []), `PyTorch peer ran with ${python}${typeof parsed.executable === 'string' && parsed.executable !== python ? ` (${parsed.executable})` : ''}, OMP_WAIT_POLICY=${peerEnvironment().OMP_WAIT_POLICY}`],
    status: 'measured',
    python,
  };
}

function notRun(status: 'skipped' | 'failed', reason: string, workloads: readonly Workload[], notes: string[] = []): PyTorchResult {
  return { ...emptyResult('pytorch'), skipped: workloads.map((w) => ({ name: w.name, reason })), notes: [reason, ...notes], status };
}

/** Runs the workloads in PyTorch; the result says 'skipped' (no python with torch) or 'failed' (with why) instead of throwing. */
export async function measurePytorch(workloads: readonly Workload[], options: PyTorchOptions): Promise<PyTorchResult> {
  const input = JSON.stringify({ workloads, timing: options.timing, seed: options.seed, threads: options.threads });
  const tried: string[] = [];
  for (const python of options.pythons ?? defaultPythons()) {
    const outcome = await runChild(python, options.script ?? PEER_SCRIPT, input, options.timeoutSeconds ?? 900);
    if (outcome.spawnError !== undefined) {
      tried.push(`${python}: ${outcome.spawnError.code ?? outcome.spawnError.message}`);
      continue;
    }
    if (outcome.code === 3) {
      tried.push(`${python}: ${(/"unavailable":\s*"([^"]*)"/.exec(outcome.stdout)?.[1] ?? 'torch not importable').trim()}`);
      continue;
    }
    try {
      if (outcome.timedOut) throw new PyTorchPeerError(`${python} ${options.script ?? PEER_SCRIPT} did not finish in ${options.timeoutSeconds ?? 900} s`);
      if (outcome.code !== 0) throw new PyTorchPeerError(`${python} exited with ${outcome.code}: ${outcome.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      return parseResult(python, outcome.stdout, workloads);
    } catch (error) {
      if (!(error instanceof PyTorchPeerError)) throw error;
      return notRun('failed', `PyTorch peer failed: ${error.message}`, workloads);
    }
  }
  return notRun('skipped', PYTORCH_SKIP_REASON, workloads, tried.length > 0 ? [`PyTorch peer: tried ${tried.join('; ')}`] : []);
}
