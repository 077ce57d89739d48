export * from './database.module.js';
export * from './embedded-postgres.js';
export * from './migrations/index.js';
export * from './backup.js';
