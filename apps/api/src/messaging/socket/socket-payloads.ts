import type { ClassConstructor } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsString, MaxLength } from 'class-validator';
import { PRESENCE_WATCH_MAX } from '#domain';
import { EditMessageDto, ReadDto, SendMessageDto } from '../dto/messaging.dto.js';

/**
 * The payload of every client → server event (API.md "Realtime"), as DTO classes: the REST bodies of the same actions
 * plus the id that REST carries in the path. `DtoPayloadPipe` checks them with `validatePayload`, the check and
 * wording of the HTTP pipe (unknown fields refused, a missing field is required, English or Spanish). The rules of
 * the content (body length, seq values, ids) are the domain's, the same for both transports.
 */
const ID_MAX = 64;

export class SocketSendMessageDto extends SendMessageDto {
  @IsString() @MaxLength(ID_MAX) channelId: string;
}

export class SocketEditMessageDto extends EditMessageDto {
  @IsString() @MaxLength(ID_MAX) id: string;
}

export class MessageRefDto {
  @IsString() @MaxLength(ID_MAX) id: string;
}

export class SocketReadDto extends ReadDto {
  @IsString() @MaxLength(ID_MAX) channelId: string;
}

export class SyncDto {
  /** `{[channelId]: lastSeq}`; the domain checks the ids and the seqs (`cursors.<id>` in the details). */
  @IsObject() cursors: Record<string, unknown>;
}

export class ChannelRefDto {
  @IsString() @MaxLength(ID_MAX) channelId: string;
}

export class PresenceWatchDto {
  /** The users whose presence the socket shows (at most 200; the domain checks the ids: `userIds`). */
  @IsArray() @ArrayMaxSize(PRESENCE_WATCH_MAX) userIds: unknown[];
}

export const socketPayloads = {
  'message.send': SocketSendMessageDto,
  'message.edit': SocketEditMessageDto,
  'message.delete': MessageRefDto,
  'message.ack': MessageRefDto,
  'channel.read': SocketReadDto,
  sync: SyncDto,
  typing: ChannelRefDto,
  'presence.watch': PresenceWatchDto,
} satisfies Record<string, ClassConstructor<object>>;

export type SocketEvent = keyof typeof socketPayloads;
export type SocketPayload<E extends SocketEvent> = InstanceType<(typeof socketPayloads)[E]>;

/** Every client → server event the gateway handles (anything else is refused as UNKNOWN_EVENT). */
export const SOCKET_EVENTS: ReadonlySet<string> = new Set(Object.keys(socketPayloads));
