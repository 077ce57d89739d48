import { Module } from '@nestjs/common';
import { PostingLimiter } from '../common/posting-limiter.js';
import { CasesController } from './cases.controller.js';
import { ChannelsController } from './channels.controller.js';
import { MessagesController } from './messages.controller.js';
import { MessagingGateway } from './messaging.gateway.js';
import { SessionSweep } from './socket/session-sweep.js';
import { SocketSessions } from './socket/socket-sessions.js';

/** REST controllers and the socket.io gateway for channels, messages, cases and search (issue 2). */
@Module({
  controllers: [ChannelsController, MessagesController, CasesController],
  providers: [MessagingGateway, SocketSessions, SessionSweep, PostingLimiter],
})
export class MessagingApiModule {}
