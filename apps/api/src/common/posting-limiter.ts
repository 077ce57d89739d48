import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig, createRedisClient } from '#config';
import { RateLimited } from '#domain';

/**
 * Token bucket of one user in Redis, atomically: refill by elapsed time (Redis' own clock, shared by every process),
 * take one token or answer the milliseconds until one is back. One round trip per message.
 */
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / perMs) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 1000)
return wait
`;

interface Bucket {
  tokens: number;
  at: number;
}

type LimiterRedis = (Redis | Cluster) & {
  enlacePostTake(key: string, burst: number, perMs: number): Promise<number>;
};

/**
 * The one limit on posting messages, per user, for both transports (REST `POST …/messages` and the socket's
 * `message.send`): `MESSAGE_RATE_LIMIT` (default a burst of 120, then 60 a second). With REDIS_URL the bucket lives in
 * Redis, so every API process draws on the same budget (one scripted round trip, auto-pipelined); without it, in
 * this process (the service is then one process). Refused: `429 RATE_LIMITED` with `Retry-After` over REST, the ack
 * error over the socket. Should Redis fail, posting is not blocked (logged): the limit protects, it does not gate access.
 */
@Injectable()
export class PostingLimiter implements OnModuleDestroy {
  private readonly logger = new Logger('PostingLimiter');
  private readonly burst: number;
  private readonly perMs: number;
  private readonly local = new Map<string, Bucket>();
  private readonly redis?: LimiterRedis;
  private readonly prefix: string;
  private warned = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.burst = config.messageRate.burst;
    this.perMs = config.messageRate.perSecond / 1000;
    this.prefix = config.redis ? `enlace-db${config.redis.db}:post-rate:` : '';
    if (config.redis) {
      const redis = createRedisClient(config.redis, {
        maxRetriesPerRequest: 1,
        enableAutoPipelining: true,
        lazyConnect: false,
      }) as LimiterRedis;
      redis.defineCommand('enlacePostTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
      redis.on('error', (e) => this.warn(`redis: ${e.message}`));
      this.redis = redis;
    }
  }

  /** Takes one message from the user's budget, or throws RateLimited with the seconds until the next one. */
  async take(userId: string): Promise<void> {
    const waitMs = this.redis ? await this.takeShared(userId) : this.takeLocal(userId, Date.now());
    if (waitMs > 0)
      throw new RateLimited(Math.max(1, Math.ceil(waitMs / 1000)), {
        en: 'Too many messages; slow down.',
        es: 'Demasiados mensajes; vaya más despacio.',
      });
  }

  private async takeShared(userId: string): Promise<number> {
    try {
      return Number(await this.redis!.enlacePostTake(this.prefix + userId, this.burst, this.perMs));
    } catch (e: any) {
      this.warn(`limit not applied: ${e?.message ?? e}`);
      return 0;
    }
  }

  private takeLocal(userId: string, now: number): number {
    const b = this.local.get(userId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + Math.max(0, now - b.at) * this.perMs);
    b.at = now;
    let wait = 0;
    if (b.tokens >= 1) b.tokens -= 1;
    else wait = Math.ceil((1 - b.tokens) / this.perMs);
    if (b.tokens >= this.burst) this.local.delete(userId);
    else this.local.set(userId, b);
    if (this.local.size > 50_000) this.sweep(now);
    return wait;
  }

  /** Forgets full buckets (a user who has not posted for a while), so the map stays small. */
  private sweep(now: number): void {
    for (const [id, b] of this.local)
      if (b.tokens + (now - b.at) * this.perMs >= this.burst) this.local.delete(id);
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.warned < 10_000) return;
    this.warned = now;
    this.logger.warn(message);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
