import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthSession, NetworkMembership, User } from './accounts/account.entities.js';
import { AccountAccessPolicy } from './accounts/account-access.policy.js';
import { AccountsRepository } from './accounts/accounts.repository.js';
import { AccountsService } from './accounts/accounts.service.js';
import { AuthService } from './accounts/auth.service.js';
import { LoginThrottleRepository } from './accounts/login-throttle.repository.js';
import { AccountChangesRepository } from './accounts/account-changes.repository.js';
import { AccountSessionsService } from './accounts/account-sessions.service.js';
import { OffboardingService } from './accounts/offboarding.service.js';
import { PasswordResetService } from './accounts/password-reset.service.js';
import { RequestThrottleRepository } from './accounts/request-throttle.repository.js';
import { SelfService } from './accounts/self-service.service.js';
import { SessionsRepository } from './accounts/sessions.repository.js';
import { AuditService } from './audit/audit.service.js';
import {
  MfaAccessPolicy,
  MfaChallengesService,
  MfaRepository,
  MfaSignInService,
  PasskeysService,
  TotpService,
} from './accounts/mfa/index.js';
import { QueueBoardAccessPolicy } from './operations/queue-board-access.policy.js';
import { DomainEvents } from './common/domain-events.js';
import { PresidencyRepository } from './presidency/presidency.repository.js';
import { PresidencyService } from './presidency/presidency.service.js';
import { Country, Network, Organization } from './reference/reference.entities.js';
import { ReferenceDataService } from './reference/reference-data.service.js';
import { MessagingDomainModule } from './messaging/messaging.module.js';
import { FollowUpsDomainModule } from './follow-ups/follow-ups.module.js';
import { TrainingDomainModule } from './training/training.module.js';
import { DigestsDomainModule } from './digests/digests.module.js';
import { SheetsDomainModule } from './sheets/sheets.module.js';
import { RetentionDomainModule } from './retention/retention.module.js';
import { AttachmentsDomainModule } from './attachments/attachments.module.js';

const providers = [
  AccountAccessPolicy,
  AccountsRepository,
  AccountsService,
  AuthService,
  LoginThrottleRepository,
  MfaAccessPolicy,
  MfaChallengesService,
  MfaRepository,
  MfaSignInService,
  PasskeysService,
  TotpService,
  AccountChangesRepository,
  AccountSessionsService,
  OffboardingService,
  PasswordResetService,
  RequestThrottleRepository,
  SelfService,
  SessionsRepository,
  AuditService,
  DomainEvents,
  PresidencyRepository,
  PresidencyService,
  QueueBoardAccessPolicy,
  ReferenceDataService,
];

/** Every feature's services, repositories and policies; no HTTP, no socket.io. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, NetworkMembership, AuthSession, Country, Organization, Network]),
    JwtModule.register({}),
    MessagingDomainModule,
    FollowUpsDomainModule,
    TrainingDomainModule,
    DigestsDomainModule,
    SheetsDomainModule,
    RetentionDomainModule,
    AttachmentsDomainModule,
  ],
  providers,
  exports: [
    ...providers,
    MessagingDomainModule,
    FollowUpsDomainModule,
    TrainingDomainModule,
    DigestsDomainModule,
    SheetsDomainModule,
    RetentionDomainModule,
    AttachmentsDomainModule,
  ],
})
export class DomainModule {}
