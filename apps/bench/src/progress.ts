/**
 * Progress for long work: a cli-progress bar with ETA on an interactive terminal, plain lines
 * (start, every ~10 %, end) when stdout is not a TTY or CI=true, so CI logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface ProgressTask {
  /** Advances to `value` (of `total`), with a short status text ("loss 0.31"). */
  update(value: number, status?: string): void;
  stop(): void;
}

export interface Progress {
  start(label: string, total: number): ProgressTask;
  /** A line of text that does not break an active bar. */
  log(message: string): void;
}

export interface ProgressOptions {
  /** Default: 'bar' on a TTY outside CI, else 'lines'. 'silent' for tests. */
  mode?: 'bar' | 'lines' | 'silent';
  stream?: NodeJS.WriteStream;
}

export function defaultProgressMode(stream: NodeJS.WriteStream = process.stdout): 'bar' | 'lines' {
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
  return stream.isTTY === true && !ci ? 'bar' : 'lines';
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stdout;
  const mode = options.mode ?? defaultProgressMode(stream);
  if (mode === 'silent') return { start: () => ({ update() {}, stop() {} }), log() {} };
  if (mode === 'lines') return lineProgress(stream);
  return barProgress(stream);
}

function lineProgress(stream: NodeJS.WriteStream): Progress {
  return {
    log: (message) => void stream.write(`${message}\n`),
    start(label, total) {
      const started = performance.now();
      let lastDecile = -1;
      stream.write(`${label}: 0/${total}\n`);
      return {
        update(value, status) {
          const decile = Math.floor((10 * value) / Math.max(1, total));
          if (decile === lastDecile || value >= total) return;
          lastDecile = decile;
          const seconds = (performance.now() - started) / 1000;
          const eta = value > 0 ? (seconds * (total - value)) / value : NaN;
          stream.write(`${label}: ${value}/${total} (${Math.round((100 * value) / total)} %, ${seconds.toFixed(1)} s, ETA ${Number.isFinite(eta) ? eta.toFixed(0) + ' s' : '?'})${status ? ` ${status}` : ''}\n`);
        },
        stop() {
          stream.write(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        },
      };
    },
  };
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  let active: cliProgress.SingleBar | undefined;
  return {
    log(message) {
      // A bar owns the current line: write above it.
      if (active !== undefined) stream.write(`\r\x1b[K${message}\n`);
      else stream.write(`${message}\n`);
    },
    start(label, total) {
      const bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | ETA {eta_formatted} | {status}`, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { status: '' });
      active = bar;
      return {
        update: (value, status) => bar.update(value, { status: status ?? '' }),
        stop() {
          bar.stop();
          if (active === bar) active = undefined;
        },
      };
    },
  };
}
