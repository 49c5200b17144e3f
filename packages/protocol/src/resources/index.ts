export * from './outcome.js';
export * from './params.js';
export * from './requests.js';
export * from './results.js';
export * from './validate.js';
