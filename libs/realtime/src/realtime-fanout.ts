import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import { DomainEvents, type DomainEventMap, type DomainEventName } from '#domain';
import { RealtimeServer } from './realtime.server.js';
import { caseReaderRooms, channelAudienceRooms, rooms } from './rooms.js';
import type { ServerEvent, ServerEventMap } from './server-events.js';

type Fanout = { [E in DomainEventName]?: (io: Server, event: DomainEventMap[E]) => void };

/** Emits a server → client event to rooms, with the payload type of the event map. */
function emit<E extends ServerEvent>(
  target: { emit(event: string, payload: unknown): unknown },
  event: E,
  payload: ServerEventMap[E],
): void {
  target.emit(event, payload);
}

/**
 * Domain events → socket rooms and server → client events, in one place (immich's event repository; DESIGN.md "One
 * typed event map"). Applied synchronously in publication order, so room changes precede what is then said in those
 * rooms on every process (the adapter keeps the order). Runs in every process with a socket.io server: the API
 * processes, and a worker with Redis (its server listens nowhere and broadcasts through the adapter).
 */
@Injectable()
export class RealtimeFanout implements OnModuleInit, OnModuleDestroy {
  private readonly off: Array<() => void> = [];

  private readonly fanout: Fanout = {
    'message.created': (io, { message }) =>
      emit(io.to(rooms.channel(message.channelId)), 'message.created', message),
    'message.updated': (io, { message }) =>
      emit(io.to(rooms.channel(message.channelId)), 'message.updated', message),
    'message.deleted': (io, { message }) =>
      emit(io.to(rooms.channel(message.channelId)), 'message.deleted', message),
    'message.acked': (io, ack) => emit(io.to(rooms.channel(ack.channelId)), 'message.acked', ack),
    'message.mentioned': (io, { userIds, message }) => {
      if (!userIds.length) return;
      const who = message.author?.displayName ?? 'Enlace';
      emit(io.to(userIds.map(rooms.user)), 'notification', {
        kind: 'mention',
        messageId: message.id,
        channelId: message.channelId,
        caseId: message.caseId,
        seq: message.seq,
        author: message.author,
        title: { en: `${who} mentioned you`, es: `${who} le mencionó` },
      });
    },
    // Readers' live sockets join the thread first, then hear about the case, on every process.
    'case.created': (io, { case: view, access }) => {
      const thread = rooms.channel(view.channelId);
      io.in(caseReaderRooms(access)).socketsJoin(thread);
      emit(io.to(thread), 'case.created', view);
    },
    // Sockets that may no longer read the case leave its thread before anything more is said there.
    'case.updated': (io, { case: view, access, accessChanged }) => {
      const thread = rooms.channel(view.channelId);
      if (accessChanged) {
        const readers = caseReaderRooms(access);
        io.in(thread).except(readers).socketsLeave(thread);
        io.in(readers).socketsJoin(thread);
      }
      emit(io.to(thread), 'case.updated', view);
    },
    'channel.created': (io, { channel, networkId, memberIds }) => {
      const audience = channelAudienceRooms(channel.visibility, networkId, memberIds);
      if (!audience.length) return;
      const room = rooms.channel(channel.id);
      io.in(audience).socketsJoin(room);
      emit(io.to(room), 'channel.created', channel);
    },
    'channel.members.added': (io, { channelId, userIds }) => {
      if (userIds.length) io.in(userIds.map(rooms.user)).socketsJoin(rooms.channel(channelId));
    },
    'channel.members.removed': (io, { channelId, userId }) =>
      io.in(rooms.user(userId)).socketsLeave(rooms.channel(channelId)),
    'followup.reminder': (io, { userIds, reminder }) => {
      if (userIds.length) emit(io.to(userIds.map(rooms.user)), 'followup.reminder', reminder);
    },
    'followup.updated': (io, { networkId, followUp }) =>
      emit(io.to([rooms.network(networkId), rooms.staff]), 'followup.updated', followUp),
    // Training events: to the members of the event's networks and the staff; registrations and reminders to users.
    'training.published': (io, { event, networkIds }) =>
      emit(io.to([...networkIds.map(rooms.network), rooms.staff]), 'training.published', event),
    'training.updated': (io, { event, networkIds }) =>
      emit(io.to([...networkIds.map(rooms.network), rooms.staff]), 'training.updated', event),
    'training.cancelled': (io, { event, networkIds }) =>
      emit(io.to([...networkIds.map(rooms.network), rooms.staff]), 'training.cancelled', event),
    'training.registration': (io, { userId, registration }) =>
      emit(io.to(rooms.user(userId)), 'training.registration', registration),
    'training.reminder': (io, { userIds, reminder }) => {
      if (userIds.length) emit(io.to(userIds.map(rooms.user)), 'training.reminder', reminder);
    },
    // Country sheets: every member of either network, and the staff.
    'sheet.published': (io, { sheet, networkIds }) =>
      emit(io.to([...networkIds.map(rooms.network), rooms.staff]), 'sheet.published', sheet),
    typing: (io, { channelId, user, originSocketId }) => {
      const to = io.to(rooms.channel(channelId));
      emit(originSocketId ? to.except(originSocketId) : to, 'typing', { channelId, user });
    },
    // only to the sockets that watch this user (presence.watch)
    presence: (io, { user, status }) => emit(io.to(rooms.presence(user.id)), 'presence', { user, status }),
  };

  constructor(
    private readonly events: DomainEvents,
    private readonly realtime: RealtimeServer,
  ) {}

  onModuleInit(): void {
    for (const name of Object.keys(this.fanout) as DomainEventName[]) {
      const apply = this.fanout[name] as (io: Server, event: unknown) => void;
      this.off.push(
        this.events.on(name, (event) => {
          const io = this.realtime.server();
          if (io) apply(io, event);
        }),
      );
    }
  }

  onModuleDestroy(): void {
    for (const off of this.off.splice(0)) off();
  }
}
