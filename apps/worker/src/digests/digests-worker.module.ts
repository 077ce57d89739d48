import { Module } from '@nestjs/common';
import { DigestDeliveryProcessor, DigestTickProcessor, MissedMessageProcessor } from './digest.processor.js';

/** The digest tick, digest deliveries and missed-message checks (issue 11). */
@Module({ providers: [DigestTickProcessor, DigestDeliveryProcessor, MissedMessageProcessor] })
export class DigestsWorkerModule {}
