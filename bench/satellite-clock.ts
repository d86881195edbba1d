/**
 * The satellite benchmark's virtual clock: the links' stepping clock (node/src/link/clock.ts,
 * docs/links.md §Clocks), which lets promises, stream callbacks and I/O settle between timers.
 */
export { SteppingClock, settle } from '../node/src/link/clock.js';
