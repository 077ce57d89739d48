import { Global, Module } from '@nestjs/common';
import { RealtimeFanout } from './realtime-fanout.js';
import { RealtimeServer } from './realtime.server.js';

/** The socket.io server and adapter choice, and the one mapping of domain events to socket rooms and events. */
@Global()
@Module({ providers: [RealtimeServer, RealtimeFanout], exports: [RealtimeServer] })
export class RealtimeModule {}
