export * from './realtime.module.js';
export * from './realtime.server.js';
export * from './enlace-io.adapter.js';
export * from './recovery-guard.js';
export * from './server-events.js';
export * from './rooms.js';
export * from './realtime-fanout.js';
export * from './in-memory-adapter.js';
