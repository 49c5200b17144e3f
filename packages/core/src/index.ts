export * from './connection/index.js';
export * from './journal/index.js';
export * from './transport.js';
