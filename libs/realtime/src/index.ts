export * from './realtime.module.js';
export * from './realtime.server.js';
