import { Injectable } from '@nestjs/common';
import { NotAllowed } from '../common/domain-error.js';
import { isAdmin, type Principal } from '../accounts/principal.js';

/**
 * Who may open the queue board (bull-board at `/admin/queues`, read-only): administrators only. It shows every job
 * of the deployment (ids, timings, failures), an operator's view that neither the Technical Secretariat nor an
 * officer needs. Opening it is written to the audit log.
 */
@Injectable()
export class QueueBoardAccessPolicy {
  assertCanOpen(p: Principal): void {
    if (!isAdmin(p))
      throw new NotAllowed({
        en: 'Only an administrator can open the queue board.',
        es: 'Solo un administrador puede abrir el panel de colas.',
      });
  }
}
