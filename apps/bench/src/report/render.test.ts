import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsValidationError } from '../errors.js';
import { sampleDocument } from '../results/sample.testutil.js';
import { loadResultsFolder } from './load-results.js';
import { baselineOf, renderReport } from './render.js';

describe('HTML report', () => {
  it('is one file: Chart.js and the data inline, no external scripts or styles', () => {
    const html = renderReport({ results: [{ file: 'quick-1.json', document: sampleDocument() }] });
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('<canvas id="histogram-0">');
  });

  it('draws one chart per series title, and an energy chart only when every run has an energy report', () => {
    const document = sampleDocument();
    const html = renderReport({ results: [{ file: 'rct.json', document }] });
    expect(html).toContain('<canvas id="series-0-0">');
    expect(html).toContain('<figcaption>bit width per layer</figcaption>');
    expect(html).not.toContain('<canvas id="series-0-1">');
    expect(html).not.toContain('<canvas id="energy-0">');
    for (const run of document.runs) run.statistics.energy = { run: { gemmJoules: 1, parameterMovementJoules: 0.5, optimizerStateMovementJoules: 0.1 } };
    expect(renderReport({ results: [{ file: 'rct.json', document }] })).toContain('<canvas id="energy-0">');
  });

  it('compares each run with the first run of its model group', () => {
    const run = (name: string) => ({ ...sampleDocument().runs[0], name });
    const runs = [run('lenet5/float32'), run('lenet5/e4m3'), run('alexnet/float32'), run('alexnet/e4m3')];
    expect(baselineOf(runs, runs[0])).toBeUndefined();
    expect(baselineOf(runs, runs[1])?.name).toBe('lenet5/float32');
    expect(baselineOf(runs, runs[3])?.name).toBe('alexnet/float32');
    const flat = [run('float32'), run('ocp-fp8')];
    expect(baselineOf(flat, flat[1])?.name).toBe('float32');
  });

  it('escapes names in tables and in the embedded JSON', () => {
    const document = sampleDocument();
    document.runs[0].name = '</script><b>x</b>';
    const html = renderReport({ results: [{ file: 'a.json', document }] });
    expect(html).toContain('&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('</script><b>');
  });

  it('a folder with a JSON file that is not a results file is an error naming the file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lowbit-report-'));
    writeFileSync(join(directory, 'quick.json'), JSON.stringify(sampleDocument()));
    writeFileSync(join(directory, 'other.json'), '{"hello": 1}');
    expect(() => loadResultsFolder(directory)).toThrow(ResultsValidationError);
    expect(() => loadResultsFolder(directory)).toThrow(/other\.json is not a valid lowbit-bench results file: \/ must have required property 'experiment'/);
  });
});
