import { Global, Module } from '@nestjs/common';
import { AccountMail, FollowUpJobs, FollowUpMail, TrainingJobs, TrainingMail } from '#domain';
import { TemplatedAccountMail, TemplatedFollowUpMail, TemplatedTrainingMail } from '#mail';
import { BullFollowUpJobs, BullTrainingJobs } from '#queue';

/**
 * Binds the domain's ports to their implementations in libs/queue and libs/mail. The binding lives here, in the app,
 * so that neither library imports the domain at run time (no import cycle between #domain and #mail or #queue).
 */
@Global()
@Module({
  providers: [
    { provide: FollowUpJobs, useExisting: BullFollowUpJobs },
    { provide: FollowUpMail, useExisting: TemplatedFollowUpMail },
    { provide: TrainingJobs, useExisting: BullTrainingJobs },
    { provide: TrainingMail, useExisting: TemplatedTrainingMail },
    { provide: AccountMail, useExisting: TemplatedAccountMail },
  ],
  exports: [FollowUpJobs, FollowUpMail, TrainingJobs, TrainingMail, AccountMail],
})
export class PortsModule {}
