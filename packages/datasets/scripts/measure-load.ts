/**
 * Measures how long the loaders take (the requirement: MNIST in under 2 seconds). Times the first
 * load in this process (what a training script pays) and the median of further loads, for each
 * split, then prints one line per dataset and a pass/fail line for the MNIST budget.
 *
 *   npx tsx --conditions=@lowbit/source scripts/measure-load.ts [--repetitions 3] [--fashion]
 *
 * Workspace packages must resolve to their TypeScript sources through the "@lowbit/source"
 * export condition; tsx does not take it from tsconfig, so the script restarts itself with it.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const CONDITION = '--conditions=@lowbit/source';
if (!process.execArgv.includes(CONDITION)) {
  const child = spawnSync(process.execPath, [CONDITION, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '3' },
    fashion: { type: 'boolean', default: false },
  },
});
const repetitions = Number(args.repetitions);

const { loadMnist, loadFashionMnist } = await import('@lowbit/datasets');
type Loader = typeof loadMnist;

const BUDGET_MILLISECONDS = 2000;

async function time(load: Loader, split: 'train' | 'test'): Promise<number> {
  const start = performance.now();
  const dataset = await load({ split });
  const elapsed = performance.now() - start;
  if (dataset.length === 0) throw new Error('empty dataset');
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(name: string, load: Loader): Promise<number> {
  const first = (await time(load, 'train')) + (await time(load, 'test'));
  const again: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) again.push((await time(load, 'train')) + (await time(load, 'test')));
  console.log(`${name.padEnd(14)} train + test: first ${first.toFixed(0)} ms, median of ${repetitions} more ${median(again).toFixed(0)} ms`);
  return first;
}

const mnistFirst = await measure('mnist', loadMnist);
if (args.fashion) await measure('fashion-mnist', loadFashionMnist);
const ok = mnistFirst < BUDGET_MILLISECONDS;
console.log(`${ok ? 'ok' : 'FAIL'}: MNIST train + test loaded in ${mnistFirst.toFixed(0)} ms (budget ${BUDGET_MILLISECONDS} ms)`);
process.exit(ok ? 0 : 1);
