/** The attachments feature's queue: one periodic clean-up (unsent uploads, bytes of deleted files, interrupted uploads). */
export const ATTACHMENT_QUEUES = {
  cleanup: 'attachments-cleanup',
} as const;
