import { Injectable } from '@nestjs/common';
import { isAdmin, type Principal } from '../accounts/principal.js';
import { NotAllowed } from '../common/domain-error.js';

/**
 * Who may see the retention periods and the purges' record: admins, as for the audit log it summarises (the record
 * names the references of purged cases). The periods themselves are set by the deployment's configuration.
 */
@Injectable()
export class RetentionAccessPolicy {
  assertCanRead(p: Principal): void {
    if (!isAdmin(p))
      throw new NotAllowed({
        en: 'Only an administrator can read the retention settings.',
        es: 'Solo un administrador puede consultar la conservación de datos.',
      });
  }
}
