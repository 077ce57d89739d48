export * from './queue.js';
export * from './queue.module.js';
