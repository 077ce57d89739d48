import { Global, Module } from '@nestjs/common';
import { FollowUpJobs, FollowUpMail } from '#domain';
import { TemplatedFollowUpMail } from '#mail';
import { BullFollowUpJobs } from '#queue';

/**
 * Binds the domain's ports to their implementations in libs/queue and libs/mail. The binding lives here, in the app,
 * so that neither library imports the domain at run time (no import cycle between #domain and #mail or #queue).
 */
@Global()
@Module({
  providers: [
    { provide: FollowUpJobs, useExisting: BullFollowUpJobs },
    { provide: FollowUpMail, useExisting: TemplatedFollowUpMail },
  ],
  exports: [FollowUpJobs, FollowUpMail],
})
export class PortsModule {}
