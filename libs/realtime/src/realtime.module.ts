import { Module } from '@nestjs/common';

/** The socket.io adapter choice and an emitter the worker can use too (issue 2). */
@Module({ providers: [], exports: [] })
export class RealtimeModule {}
