import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function fakeStream() {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY: false, write: (text: string) => chunks.push(text) > 0 } as unknown as NodeJS.WriteStream };
}

describe('progress', () => {
  it('without a TTY prints start, about every 10 % with an ETA, and the end', () => {
    const { chunks, stream } = fakeStream();
    const task = createProgress({ mode: 'lines', stream }).start('float32', 100);
    for (let step = 1; step <= 100; step++) task.update(step, 'loss 1.0');
    task.stop();
    expect(chunks[0]).toBe('float32: 0/100\n');
    expect(chunks.filter((line) => /ETA \d+ s\) loss 1\.0/.test(line))).toHaveLength(10);
    expect(chunks[chunks.length - 1]).toMatch(/^float32: done in [\d.]+ s\n$/);
  });
});
