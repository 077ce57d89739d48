/** Marks a `JsonText` for transports that write it as is (see libs/realtime `json-text-parser.ts`). */
export const JSON_TEXT = Symbol.for('enlace.json-text');

/**
 * A JSON value already rendered as text (by PostgreSQL, for `sync` pages): the socket.io encoder splices the text into
 * the packet instead of building objects only to serialise them again. Anything else that serialises it (another
 * transport, `JSON.stringify` in a test) gets the same value through `toJSON`.
 */
export class JsonText<T = unknown> {
  readonly [JSON_TEXT] = true;

  constructor(readonly text: string) {}

  toJSON(): T {
    return JSON.parse(this.text) as T;
  }

  static isJsonText(value: unknown): value is JsonText {
    return typeof value === 'object' && value !== null && (value as any)[JSON_TEXT] === true;
  }
}
