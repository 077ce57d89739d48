import { Module } from '@nestjs/common';

/** REST controllers and the socket.io gateway for channels, messages, cases and search (issue 2). */
@Module({ controllers: [], providers: [] })
export class MessagingApiModule {}
