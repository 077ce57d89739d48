import 'reflect-metadata';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { SERVER_EVENTS } from '#realtime';
import { MessagingGateway } from '../../apps/api/src/messaging/messaging.gateway.js';
import { SOCKET_EVENTS } from '../../apps/api/src/messaging/socket/socket-payloads.js';

/** The client → server events of the gateway, read from its `@SubscribeMessage` handlers. */
function gatewayEvents(): string[] {
  const proto = MessagingGateway.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .map((name) =>
      typeof proto[name] === 'function'
        ? Reflect.getMetadata(MESSAGE_METADATA, proto[name] as object)
        : undefined,
    )
    .filter((e): e is string => typeof e === 'string')
    .sort();
}

/**
 * docs/asyncapi.yaml is the project's own description of its socket events: it must be a valid AsyncAPI 3 document
 * and list exactly the events the code has (server → client from the realtime event map, client → server from the
 * gateway), each client event with its acknowledgement.
 */
describe('docs/asyncapi.yaml', () => {
  const source = readFileSync(join(process.cwd(), 'docs', 'asyncapi.yaml'), 'utf8');
  let document: NonNullable<Awaited<ReturnType<Parser['parse']>>['document']>;

  beforeAll(async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(source);
    const problems = diagnostics.filter(
      (d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning,
    );
    expect(problems.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed).toBeDefined();
    document = parsed!;
  });

  it('is AsyncAPI 3', () => {
    expect(document.version()).toMatch(/^3\./);
  });

  it('lists exactly the server → client events of the realtime event map', () => {
    const sent = document
      .operations()
      .all()
      .filter((op) => op.action() === 'send')
      .flatMap((op) =>
        op
          .messages()
          .all()
          .map((m) => m.name()),
      );
    expect([...sent].sort()).toEqual([...SERVER_EVENTS].sort());
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('lists exactly the client → server events the gateway handles, each with a payload and an ack', () => {
    const handled = gatewayEvents();
    expect(handled).toEqual([...SOCKET_EVENTS].sort());
    const received = document
      .operations()
      .all()
      .filter((op) => op.action() === 'receive');
    expect(
      received
        .flatMap((op) =>
          op
            .messages()
            .all()
            .map((m) => m.name()),
        )
        .sort(),
    ).toEqual(handled);
    for (const op of received) {
      const [message] = op.messages().all();
      expect({ event: message.name(), payload: message.hasPayload() }).toEqual({
        event: message.name(),
        payload: true,
      });
      const reply = op.reply();
      expect({ event: message.name(), reply: reply?.messages().all().length }).toEqual({
        event: message.name(),
        reply: 1,
      });
      const ack = reply!.messages().all()[0].payload()!.json() as { oneOf?: Array<{ properties?: object }> };
      expect(ack.oneOf).toHaveLength(2);
    }
  });
});
