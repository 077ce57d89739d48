import { ApiProperty } from '@nestjs/swagger';

/** A file a message carries (in every message: `attachments`). */
export class AttachmentRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'pasaporte.pdf' })
  name: string;

  @ApiProperty({ example: 482133, description: 'bytes' })
  size: number;

  @ApiProperty({ example: 'application/pdf', description: 'the type the bytes were sniffed as' })
  contentType: string;
}

/** An upload, as its uploader gets it back: not visible to anyone else until a message carries it. */
export class UploadedAttachmentDto extends AttachmentRefDto {
  @ApiProperty({
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description: 'SHA-256, hex',
  })
  sha256: string;
}
