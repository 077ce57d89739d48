import { Global, Module } from '@nestjs/common';
import { DigestJobQueue, DigestMail, Presence } from '#domain';
import { DigestMailer } from '#mail';
import { BullDigestJobQueue } from '#queue';
import { RealtimeServer } from '#realtime';

/**
 * Binds the digest feature's ports to the infrastructure: queue (BullMQ), mail (templates + Mailer) and presence
 * (socket.io, across processes with Redis). Imported by every role: the API queues missed-message checks and operator
 * runs, the worker runs the cycle.
 */
@Global()
@Module({
  providers: [
    BullDigestJobQueue,
    { provide: DigestJobQueue, useExisting: BullDigestJobQueue },
    { provide: DigestMail, useExisting: DigestMailer },
    { provide: Presence, useExisting: RealtimeServer },
  ],
  exports: [DigestJobQueue, DigestMail, Presence],
})
export class DigestPortsModule {}
