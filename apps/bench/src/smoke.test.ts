/**
 * End to end, as CI runs it: `lowbit-bench quick --quick` through the real CLI (tsx, source
 * condition), the JSON checked against the schema, then `report` on that folder rendered in
 * headless Chromium with no console errors and every chart drawn.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertValidResults } from './results/schema.js';
import { inspectReport } from './report/browser.testutil.js';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

function bench(args: string[], cwd: string) {
  // INIT_CWD unset: the CLI must not move to the directory pnpm started vitest from.
  const env = { ...process.env, CI: 'true', INIT_CWD: '' };
  return spawnSync(process.execPath, [tsx, '--conditions=@lowbit/source', cli, ...args], { cwd, env, encoding: 'utf8', timeout: 90_000 });
}

describe('quick --quick end to end', () => {
  it('trains the three variants, writes schema-valid JSON and CSV, and the report renders', { timeout: 120_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lowbit-smoke-'));
    const run = bench(['quick', '--quick', '--threads', '2'], directory);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/float32\s+[\d.]+ %/);
    expect(run.stdout).toMatch(/custom-fp8-offset\s+[\d.]+ %/);
    const files = readdirSync(join(directory, 'results')).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^quick-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
    const document: unknown = JSON.parse(readFileSync(join(directory, 'results', files[1]), 'utf8'));
    assertValidResults(document);
    expect(document.runs.map((r) => r.name)).toEqual(['float32', 'ocp-fp8', 'custom-fp8-offset']);
    expect(document.runs[1].formats).toMatchObject({ weights: 'float8_e4m3fn', errors: 'float8_e5m2', master: 'float32' });
    for (const r of document.runs) {
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.testAccuracy).toBeLessThanOrEqual(1);
      // 16 SGD steps are too few for accuracy, but the loss must already fall from ln(10) = 2.30.
      const losses = r.curves.steps.map((point) => point.trainLoss ?? NaN);
      expect(losses.length).toBeGreaterThan(1);
      expect(losses.at(-1)!).toBeLessThan(losses[0] - 0.1);
    }
    expect(document.runs[2].histograms!.length).toBeGreaterThan(0);

    const report = bench(['report', 'results'], directory);
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    const htmlPath = join(directory, 'results', 'report.html');
    const check = await inspectReport({ htmlPath, screenshot: process.env.LOWBIT_REPORT_SCREENSHOT !== undefined });
    if (check.screenshot !== undefined) writeFileSync(process.env.LOWBIT_REPORT_SCREENSHOT!, check.screenshot);
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]); // self-contained: nothing from the network
    expect(check.charts.map((chart) => chart.id).sort()).toEqual(['accuracy-0', 'energy-0', 'histogram-0', 'loss-0', 'memory-0', 'speed-0']);
    for (const chart of check.charts) {
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.painted, chart.id).toBe(true);
    }
  });
});
