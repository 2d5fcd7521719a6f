export * from './messages.js';
export * from './errors.js';
export * from './codec.js';
export * from './classState.js';
export * from './constants.js';
export * from './media.js';
