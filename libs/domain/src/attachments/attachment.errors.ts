import { DomainError } from '../common/domain-error.js';

/** More bytes than ATTACHMENT_MAX_BYTES. */
export class AttachmentTooLarge extends DomainError {
  constructor(maxBytes: number) {
    const mb = (maxBytes / 1024 / 1024).toFixed(maxBytes % (1024 * 1024) ? 1 : 0);
    super('PAYLOAD_TOO_LARGE', 413, {
      en: `The file is larger than ${mb} MB, the most an attachment may be.`,
      es: `El archivo supera los ${mb} MB, el tamaño máximo de un adjunto.`,
    });
  }
}

/** A type that is not accepted, or bytes that are not what the name or declared type says. */
export class UnsupportedAttachmentType extends DomainError {
  constructor() {
    super('UNSUPPORTED_MEDIA_TYPE', 415, {
      en: 'This kind of file is not accepted, or its contents do not match its name. Accepted: PDF, PNG, JPEG, WebP, plain text, CSV, and Word, Excel, PowerPoint and OpenDocument files.',
      es: 'No se aceptan archivos de este tipo, o su contenido no corresponde a su nombre. Se aceptan: PDF, PNG, JPEG, WebP, texto, CSV y archivos de Word, Excel, PowerPoint y OpenDocument.',
    });
  }
}
