import { z } from 'zod';

/**
 * The shape of every client → server event (API.md "Realtime"): strict objects, so unknown fields are refused as over
 * REST. The rules of the content (body length, seq values, ids) are the domain's, the same for both transports.
 */
const id = z.string().max(64);
const text = z.string().max(50_000);

export const socketPayloads = {
  'message.send': z.strictObject({
    channelId: id,
    body: text,
    clientMessageId: z.string().max(200),
    caseId: id.nullable().optional(),
    priority: z.enum(['normal', 'urgent']).optional(),
    requestAck: z.boolean().optional(),
  }),
  'message.edit': z.strictObject({ id, body: text }),
  'message.delete': z.strictObject({ id }),
  'message.ack': z.strictObject({ id }),
  'channel.read': z.strictObject({ channelId: id, seq: z.number().int().min(0) }),
  sync: z.strictObject({
    cursors: z.record(
      z
        .string()
        .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'keys must be channel ids'),
      z.number().int().min(0),
    ),
  }),
  typing: z.strictObject({ channelId: id }),
} as const;

export type SocketEvent = keyof typeof socketPayloads;
export type SocketPayload<E extends SocketEvent> = z.infer<(typeof socketPayloads)[E]>;

/** Every client → server event the gateway handles (anything else is refused as UNKNOWN_EVENT). */
export const SOCKET_EVENTS: ReadonlySet<string> = new Set(Object.keys(socketPayloads));
