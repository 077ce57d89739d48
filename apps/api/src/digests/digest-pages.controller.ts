import { Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DigestSubscriptionsService, DomainError, type RequestContext, type SubscriptionRow } from '#domain';
import { digestNotFoundPage, unsubscribePage } from '#mail';
import { Ctx, Public } from '../common/auth.guard.js';

const FORM_LIMIT = 8 * 1024;

/** Reads a small form body (urlencoded or multipart, as RFC 8058 clients send) as text. */
async function formText(req: Request): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function field(text: string, name: string): string | null {
  const urlencoded = new URLSearchParams(text).get(name);
  if (urlencoded !== null) return urlencoded;
  const multipart = new RegExp(`name="${name}"\\r?\\n\\r?\\n([^\\r\\n]*)`).exec(text);
  return multipart ? multipart[1] : null;
}

function html(res: Response, status: number, body: string): string {
  res.status(status);
  res.type('text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
  return body;
}

const pageInput = (row: SubscriptionRow, token: string) => ({
  locale: row.locale,
  token,
  email: row.email,
  frequency: row.frequency,
  status: row.status,
});

/**
 * The RFC 8058 one-click unsubscribe (`POST <List-Unsubscribe URL>`). The pages behind the links of digest emails
 * (`GET /digest/confirm`, `GET /digest/unsubscribe`) are screens of the web client, which calls
 * `/api/digest-subscriptions/...`; opening a link changes nothing.
 */
@ApiExcludeController()
@Controller('digest')
export class DigestPagesController {
  constructor(private readonly subscriptions: DigestSubscriptionsService) {}

  /** RFC 8058 one-click (`List-Unsubscribe=One-Click`), idempotent; the page's "weekly instead" posts `action=weekly`. */
  @Public()
  @Post('unsubscribe')
  @HttpCode(200)
  async unsubscribe(
    @Ctx() ctx: RequestContext,
    @Query('token') token: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    try {
      const weekly = field(await formText(req), 'action') === 'weekly';
      const row = weekly
        ? await this.subscriptions.weeklyInstead(ctx, token)
        : await this.subscriptions.unsubscribe(ctx, token);
      return html(
        res,
        200,
        unsubscribePage(pageInput(row, token as string), weekly ? 'weekly' : 'unsubscribed'),
      );
    } catch (error) {
      if (error instanceof DomainError) return html(res, error.status, digestNotFoundPage());
      throw error;
    }
  }
}
