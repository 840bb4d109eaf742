import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { BenchUsageError, UnknownExperimentError } from './errors.js';

function program() {
  const output: string[] = [];
  const errors: string[] = [];
  const command = createProgram({ write: (text) => void output.push(text), progress: { mode: 'silent' } });
  command.exitOverride();
  command.configureOutput({ writeOut: (text) => void output.push(text), writeErr: (text) => void errors.push(text) });
  for (const sub of command.commands) {
    sub.exitOverride();
    sub.configureOutput({ writeOut: (text) => void output.push(text), writeErr: (text) => void errors.push(text) });
  }
  return { command, output, errors };
}

describe('lowbit-bench command line', () => {
  it('list names every experiment with its description', async () => {
    const { command, output } = program();
    await command.parseAsync(['node', 'lowbit-bench', 'list']);
    const text = output.join('');
    for (const name of ['quick', 'micro', 'pietrolaj', 'ortiz', 'rct', 'yayla']) expect(text).toMatch(new RegExp(`^${name}\\s+\\S.{20,}`, 'm'));
  });

  it('an unknown experiment is a named error listing the valid ones', async () => {
    const { command } = program();
    const run = command.parseAsync(['node', 'lowbit-bench', 'run', 'lenet9000']);
    await expect(run).rejects.toBeInstanceOf(UnknownExperimentError);
    await expect(program().command.parseAsync(['node', 'lowbit-bench', 'run', 'lenet9000'])).rejects.toThrow('invalid experiment: "lenet9000" (allowed: quick, micro, pietrolaj, ortiz, rct, yayla)');
  });

  it.each([
    [['--seed', '-1'], /--seed.*"-1" \(allowed: an integer 0\.\.4294967295\)/],
    [['--seed', '1.5'], /--seed.*"1\.5"/],
    [['--threads', '0'], /--threads.*"0" \(allowed: an integer 1\.\.256\)/],
    [['--out', 'results.txt'], /--out.*a path ending in \.json/],
    [['--backend', 'gpu'], /Allowed choices are wasm, reference/],
    [['--epochs', '0'], /--epochs.*"0" \(allowed: an integer 1\.\.10000\)/],
    [['--cifar10', '/nonexistent/cifar'], /--cifar10.*"\/nonexistent\/cifar" \(allowed: an existing folder\)/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('rejects %j with a clear message', async (flags, message) => {
    const { command, errors } = program();
    await expect(command.parseAsync(['node', 'lowbit-bench', 'run', 'quick', ...flags])).rejects.toBeInstanceOf(CommanderError);
    expect(errors.join('')).toMatch(message);
  });

  it.each([
    [['--steps', '0'], /--steps.*"0" \(allowed: an integer 1\.\.100000\)/],
    [['--warmup', '-1'], /--warmup.*"-1" \(allowed: an integer 0\.\.10000\)/],
    [['--batch', '2.5'], /--batch.*"2\.5" \(allowed: an integer 1\.\.65536\)/],
    [['--threads', '0'], /--threads.*"0" \(allowed: an integer 1\.\.256\)/],
    [['--top', 'all'], /--top.*"all" \(allowed: an integer 1\.\.10000\)/],
    [['--seed', '-1'], /--seed.*"-1"/],
    [['--backend', 'gpu'], /Allowed choices are wasm, reference/],
    [['--precision', 'fp16'], /Allowed choices are float32, fp8/],
    [['--by', 'layer'], /Allowed choices are shape, kernel/],
    [['--out', 'profile.csv'], /--out.*"profile\.csv" \(allowed: a path ending in \.json\)/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('profile rejects %j with a clear message', async (flags, message) => {
    const { command, errors } = program();
    await expect(command.parseAsync(['node', 'lowbit-bench', 'profile', 'lenet5', ...flags])).rejects.toBeInstanceOf(CommanderError);
    expect(errors.join('')).toMatch(message);
  });

  it('profile of an unknown model is a usage error listing the models', async () => {
    const run = program().command.parseAsync(['node', 'lowbit-bench', 'profile', 'lenet9000']);
    await expect(run).rejects.toBeInstanceOf(BenchUsageError);
    await expect(program().command.parseAsync(['node', 'lowbit-bench', 'profile', 'lenet9000'])).rejects.toThrow('invalid model: "lenet9000" (allowed: lenet5, resnet18-cifar, bnn-larq-mnist, alexnet)');
  });

  it('report needs an existing folder', async () => {
    const { command } = program();
    await expect(command.parseAsync(['node', 'lowbit-bench', 'report', '/nonexistent/results'])).rejects.toThrow(/invalid resultsDir: "\/nonexistent\/results" \(allowed: an existing folder/);
  });

  it('--help lists the subcommands', async () => {
    const { command, output } = program();
    await expect(command.parseAsync(['node', 'lowbit-bench', '--help'])).rejects.toBeInstanceOf(CommanderError);
    expect(output.join('')).toMatch(/run \[options\] <experiment>[\s\S]*report \[options\] <resultsDir>[\s\S]*list[\s\S]*profile \[options\] <model>/);
  });
});
