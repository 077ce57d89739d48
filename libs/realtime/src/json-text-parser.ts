import { JsonText } from '#domain';
import { fromSocketIo } from './socket-io-modules.js';

type Packet = { type: number; nsp?: string; id?: number; data?: unknown };
type ParserModule = {
  Encoder: new () => { encode(packet: Packet): unknown[] };
  Decoder: new () => unknown;
  PacketType: { ACK: number };
};

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * An ack as the gateway answers it, `[{ok, data: {..., key: JsonText}}]`, with each JsonText of `data` replaced by a
 * placeholder string; null when it holds none (every other ack: checked without copying).
 */
function withPlaceholders(args: unknown, found: string[], token: string): unknown[] | null {
  if (!Array.isArray(args) || args.length !== 1 || !isPlain(args[0]) || !isPlain(args[0].data)) return null;
  const data = args[0].data;
  let copy: Record<string, unknown> | undefined;
  for (const key in data) {
    const value = data[key];
    if (!JsonText.isJsonText(value)) continue;
    copy ??= { ...data };
    found.push(value.text);
    copy[key] = `${token}${found.length - 1}`;
  }
  return copy ? [{ ...args[0], data: copy }] : null;
}

/**
 * socket.io's own parser (the version socket.io uses), with an encoder that writes the `JsonText` values of an ack
 * (a `sync` page rendered by PostgreSQL) into the packet as they are, instead of `JSON.stringify` walking an object per
 * message. The wire format is unchanged: a client cannot tell. Everything else goes through the stock encoder.
 */
export function jsonTextParser(): { Encoder: ParserModule['Encoder']; Decoder: ParserModule['Decoder'] } {
  const parser = fromSocketIo('socket.io-parser') as ParserModule;
  const token = `__enlace_json_text_${Math.random().toString(36).slice(2)}_`;
  class JsonTextEncoder extends parser.Encoder {
    override encode(packet: Packet): unknown[] {
      if (packet.type !== parser.PacketType.ACK || packet.data == null) return super.encode(packet);
      const found: string[] = [];
      const data = withPlaceholders(packet.data, found, token);
      if (!data) return super.encode(packet);
      let json = JSON.stringify(data);
      found.forEach((text, i) => {
        json = json.replace(`"${token}${i}"`, () => text);
      });
      const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
      return [`${packet.type}${nsp}${packet.id ?? ''}${json}`];
    }
  }
  return { Encoder: JsonTextEncoder, Decoder: parser.Decoder };
}
