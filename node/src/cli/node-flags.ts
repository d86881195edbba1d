/**
 * The V8 flags a node's daemon runs with, by where it runs (docs/operating.md §Memory and CPU):
 * one place, read by the benchmarks and checked against the `fieldnode` command's first line and
 * `npm start` by a test, so that what is measured is what is shipped.
 *
 * A kit, a gateway or a team's node is a Raspberry Pi whose memory is the budget and whose load is
 * bounded by its radio: a small young generation, V8's low-memory mode, one background thread for
 * V8's compiler and collector (each thread holds memory of its own), and no optimising compiler
 * (TurboFan's code and its work are about 6 MiB at rest). A kit at rest holds 74 MiB with all
 * four, 80–83 MiB without the last, 87 MiB with the first two alone (`npm run bench -- node`,
 * kitIdleRssMB). Without TurboFan a gateway takes 3,400 admissions a second from 64 sources on this
 * machine instead of 5,400: a LoRa channel carries a few messages a second. Not `--lite-mode`,
 * which saves 3 MiB more but takes WebAssembly away, and with it Node's fetch (the RockBLOCK
 * client), which then throws on first use.
 *
 * The county centre is a PC or a server whose budget is CPU: with the low-memory mode a filing
 * costs twice the CPU, and the API misses its rate (docs/api.md §Measured). It runs with V8's
 * defaults: `node …/bin.js start`, not the `fieldnode` command, whose first line carries the kit's.
 */

/** What `fieldnode` (node/src/cli/bin.ts, first line) and `npm start` run with. */
export const KIT_NODE_FLAGS = [
  '--max-semi-space-size=2',
  '--optimize-for-size',
  '--v8-pool-size=1',
  '--no-opt',
] as const;

/** What the centre runs with: V8's defaults. */
export const CENTRE_NODE_FLAGS = [] as const;
