export * from './mail.module.js';
