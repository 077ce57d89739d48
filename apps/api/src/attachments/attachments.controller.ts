import { Controller, Get, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AttachmentsService, type Principal, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { PostingLimiter } from '../common/posting-limiter.js';
import { UploadedAttachmentDto } from './attachments.dto.js';
import { attachmentDisposition } from './content-disposition.js';
import { MultipartUpload } from './multipart-upload.js';

@ApiTags('attachments')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly limiter: PostingLimiter,
  ) {}

  /** Streams one file in; a message then carries it through `attachmentIds`. Until then only the uploader sees it. */
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'one file, ATTACHMENT_MAX_BYTES at most' },
      },
    },
  })
  @ApiCreatedResponse({ type: UploadedAttachmentDto })
  @ApiErrors(400, 404, 409, 413, 415, 429)
  @Post('channels/:id/attachments')
  async upload(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const channel = await this.attachments.uploadTarget(me, id);
    await this.limiter.take(me.id);
    const upload = new MultipartUpload(req, this.attachments.maxBytes);
    try {
      const stored = await this.attachments.upload(ctx, me, channel, await upload.incoming);
      await upload.finished();
      return stored;
    } catch (error) {
      upload.discard(res);
      throw error;
    }
  }

  /**
   * The bytes, to whoever may read the message that carries them (an unsent upload: its uploader). Always a
   * download: `Content-Disposition: attachment`, `nosniff`, and a sandboxing CSP should it be opened anyway.
   */
  @ApiOkResponse({
    description: 'the file; `Content-Type` is the sniffed type, `Repr-Digest` its SHA-256',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors(404)
  @Get('attachments/:id')
  async download(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { attachment, bytes } = await this.attachments.download(ctx, me, id);
    res.setHeader('Content-Type', attachment.contentType);
    res.setHeader('Content-Length', String(attachment.size));
    res.setHeader('Content-Disposition', attachmentDisposition(attachment.name));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(attachment.sha256, 'hex').toString('base64')}:`);
    return new StreamableFile(bytes);
  }
}
