/**
 * The container type bytes that batch (docs/wire-format.md §8, §8.1): `b0` of a frame whose top
 * two bits are 00 (§1). Apart from batch.ts and shared-batch.ts so that each can name the other's.
 */

/** A batch container: entries written as they are. */
export const BATCH_TYPE = 0x02;

/** A shared-field batch container: messages written against the one before them. */
export const SHARED_BATCH_TYPE = 0x04;
