export * from './connection/index.js';
export * from './journal/index.js';
export * from './random.js';
export * from './session/index.js';
export * from './transport.js';
