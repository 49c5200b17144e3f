import { DEFAULT_FOLD_LIMITS, DEFAULT_MAX_FLOWS, JournalError } from '@bluechip-ws/core';

export type Durability = 'fsync' | 'fdatasync' | 'none';

export interface FileJournalOptions {
  /**
   * How `append` makes bytes durable before it resolves: `fsync` (default) or `fdatasync` (enough for an
   * append-only file on Linux: it also flushes the file size). `none` skips syncing: tests and benchmarks
   * only, as a crash of the machine can then lose acked outcomes.
   */
  readonly durability?: Durability;
  /** A segment past this size is closed and a new one started (default 4 MiB). */
  readonly maxSegmentBytes?: number;
  /** Once there are more segments than this, the live state is compacted into one (default 4). */
  readonly maxSegments?: number;
  /**
   * Flows kept in memory and by compaction (default 10_000): past it the longest-settled are dropped. Open
   * flows are always kept, even beyond it.
   */
  readonly keepFlows?: number;
  readonly maxEventsPerFlow?: number;
  /** A record whose frame is larger is refused with `JournalError('invalid')` (default 1 MiB). */
  readonly maxRecordBytes?: number;
  /** Most bytes written by one group commit; later appends wait for the next (default 1 MiB). */
  readonly maxBatchBytes?: number;
}

export type ResolvedOptions = Required<FileJournalOptions>;

const MiB = 1024 * 1024;

export function resolveOptions(options: FileJournalOptions): ResolvedOptions {
  const durability = options.durability ?? 'fsync';
  if (durability !== 'fsync' && durability !== 'fdatasync' && durability !== 'none') {
    throw new JournalError(
      'invalid',
      `durability must be 'fsync', 'fdatasync' or 'none', got ${String(durability)}`,
    );
  }
  return {
    durability,
    maxSegmentBytes: positive('maxSegmentBytes', options.maxSegmentBytes ?? 4 * MiB),
    maxSegments: positive('maxSegments', options.maxSegments ?? 4),
    keepFlows: positive('keepFlows', options.keepFlows ?? DEFAULT_MAX_FLOWS),
    maxEventsPerFlow: positive(
      'maxEventsPerFlow',
      options.maxEventsPerFlow ?? DEFAULT_FOLD_LIMITS.maxEventsPerFlow,
    ),
    maxRecordBytes: positive('maxRecordBytes', options.maxRecordBytes ?? MiB),
    maxBatchBytes: positive('maxBatchBytes', options.maxBatchBytes ?? MiB),
  };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new JournalError('invalid', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
