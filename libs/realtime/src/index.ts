export * from './realtime.module.js';
