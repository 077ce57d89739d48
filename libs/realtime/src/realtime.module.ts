import { Global, Module } from '@nestjs/common';
import { RealtimeServer } from './realtime.server.js';

/** The socket.io adapter choice and an emitter the worker can use too (issue 2). */
@Global()
@Module({ providers: [RealtimeServer], exports: [RealtimeServer] })
export class RealtimeModule {}
