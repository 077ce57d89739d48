export * from './queue.js';
export * from './queue.module.js';
export * from './follow-up-jobs.js';
export * from './follow-up-jobs.queue.js';
export * from './training-jobs.js';
export * from './training-jobs.queue.js';
export * from './digest-jobs.js';
export * from './attachment-jobs.js';
