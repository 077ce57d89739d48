export * from './mail.module.js';
export * from './mailer.js';
export * from './format.js';
export * from './follow-up.mail.js';
export * from './templates/follow-up-reminder.mail.js';
export * from './templates/presidency-handover.mail.js';
export * from './templates/training.mail.js';
