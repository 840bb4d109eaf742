/**
 * Named errors of @lowbit/training. Bad options reuse @lowbit/tensor's `ArgumentError` (op, field,
 * value, allowed, hint), as every package does; the classes below are the failures only a training
 * run can have. Each message names what went wrong, where, and a way out.
 */

export type CheckpointProblem = 'missing' | 'not-a-checkpoint' | 'truncated' | 'corrupted' | 'version' | 'mismatch' | 'write';

/**
 * A checkpoint that cannot be written or used: a missing, truncated or corrupted file (wrong
 * length, checksum mismatch, unreadable payload), an unknown format version, or a checkpoint of
 * another model/optimizer. A run never continues from a checkpoint that failed a check.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    /** The file involved ('' for a checkpoint given as data). */
    readonly file: string,
    readonly problem: CheckpointProblem,
    detail: string,
    hint?: string,
  ) {
    super(`${problem === 'write' ? 'cannot write' : problem === 'mismatch' ? 'checkpoint does not fit this run' : `${problem === 'not-a-checkpoint' ? 'not a lowbit checkpoint' : `${problem} checkpoint`}`}${file === '' ? '' : ` ${file}`}: ${detail}${hint === undefined ? '' : `. ${hint}`}`);
  }
}

/** Where a non-finite value first appeared (see non-finite.ts for how it is found). */
export interface NonFiniteLocation {
  /** 'parameter': a weight already held NaN/Inf before the step; 'forward' / 'backward': first seen there. */
  phase: 'parameter' | 'forward' | 'backward' | 'loss' | 'unknown';
  /** Dotted layer path ('' for the root), when known. */
  layer?: string;
  /** Layer type (Linear, Conv2d, ...). */
  type?: string;
  /** Dotted parameter name, when a parameter or its gradient is involved. */
  parameter?: string;
  /** Quantization point that reported NaN or overflow at that place, when there is one. */
  quantizationPoint?: string;
  /** What the place reported: counts of NaN and infinite values, the point's overflow count. */
  nan?: number;
  infinite?: number;
  overflowed?: number;
  /** One sentence for messages. */
  description: string;
}

/** A non-finite loss or gradient under `nonFinite: 'stop'`: names the step and where NaN/Inf first appeared. */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  constructor(
    /** 'loss' or 'gradient': what the check saw first. */
    readonly kind: 'loss' | 'gradient',
    /** Global optimizer step (0 for the first batch), epoch and batch within the epoch. */
    readonly step: number,
    readonly epoch: number,
    readonly batch: number,
    readonly location: NonFiniteLocation,
    /** The loss of the step (NaN, ±Infinity, or finite when only gradients are non-finite). */
    readonly loss: number,
  ) {
    super(
      `non-finite ${kind === 'loss' ? `loss (${loss})` : 'gradient'} at step ${step} (epoch ${epoch}, batch ${batch}): ${location.description}. ` +
        "Lower the learning rate, use saturating overflow ('saturate') in the formats of this place, add a scaling policy, or pass nonFinite: 'skip' to skip such steps and count them",
    );
  }
}

/** At most `limit` items of a list for a message, with "... (n more)". */
export function listForMessage(items: readonly string[], limit = 8): string {
  if (items.length === 0) return '(none)';
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown}, ... (${items.length - limit} more)` : shown;
}
