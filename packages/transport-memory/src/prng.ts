// The seeded PRNG behind fault schedules lives in core, shared with the simulator.
export { mulberry32 } from '@bluechip-ws/core/internal';
