export * from './config.js';
export * from './clock.js';
export * from './config.module.js';
export * from './redis.js';
export * from './lifecycle.js';
export * from './retention.js';
