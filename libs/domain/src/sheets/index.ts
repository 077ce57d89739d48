export * from './sheet.types.js';
export * from './sheet.rules.js';
export * from './sheet-markdown.js';
export * from './sheet-access.policy.js';
export * from './sheets.service.js';
export * from './sheets.module.js';
