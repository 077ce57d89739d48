import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminUsersController } from './accounts/admin-users.controller.js';
import { AdminOffboardingController } from './accounts/admin-offboarding.controller.js';
import { MeController } from './accounts/me.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { MfaController } from './auth/mfa.controller.js';
import { PasskeysController } from './auth/passkeys.controller.js';
import { PasswordResetController } from './auth/password-reset.controller.js';
import { AuthGuard } from './common/auth.guard.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { HealthController } from './health/health.controller.js';
import { QueueBoardController } from './operations/queue-board.controller.js';
import { PresidencyController } from './presidency/presidency.controller.js';
import { RetentionController } from './retention/retention.controller.js';
import { MessagingApiModule } from './messaging/messaging-api.module.js';
import { FollowUpsApiModule } from './follow-ups/follow-ups-api.module.js';
import { TrainingApiModule } from './training/training-api.module.js';
import { DigestsApiModule } from './digests/digests-api.module.js';
import { SheetsApiModule } from './sheets/sheets-api.module.js';
import { AttachmentsApiModule } from './attachments/attachments-api.module.js';

/** HTTP and socket.io entry points: thin, they validate, authorise and call a domain service. */
@Module({
  imports: [
    MessagingApiModule,
    FollowUpsApiModule,
    TrainingApiModule,
    DigestsApiModule,
    SheetsApiModule,
    AttachmentsApiModule,
  ],
  controllers: [
    AuthController,
    MfaController,
    PasskeysController,
    AdminUsersController,
    PasswordResetController,
    MeController,
    AdminOffboardingController,
    PresidencyController,
    HealthController,
    QueueBoardController,
    RetentionController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class ApiModule {}
