export * from './connection.js';
export * from './policy.js';
export * from './state.js';
