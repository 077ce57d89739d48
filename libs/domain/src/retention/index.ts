export * from './retention-cutoffs.js';
export * from './retention.repository.js';
export * from './retention.service.js';
export * from './retention.module.js';
export * from './retention-access.policy.js';
