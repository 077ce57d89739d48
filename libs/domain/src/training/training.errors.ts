import { Conflict, NotAllowed, NotFound } from '../common/domain-error.js';

export class TrainingEventNotFound extends NotFound {
  constructor() {
    super('training event');
  }
}

export class RegistrationClosed extends Conflict {
  constructor() {
    super(
      {
        en: 'Registration for this training event is closed.',
        es: 'La inscripción a esta actividad de capacitación está cerrada.',
      },
      'REGISTRATION_CLOSED',
    );
  }
}

export class TrainingNotOpen extends Conflict {
  constructor(status: string) {
    super(
      status === 'cancelled'
        ? {
            en: 'This training event is cancelled.',
            es: 'Esta actividad de capacitación fue cancelada.',
          }
        : {
            en: 'This training event is not published yet.',
            es: 'Esta actividad de capacitación aún no se ha publicado.',
          },
      status === 'cancelled' ? 'TRAINING_CANCELLED' : 'TRAINING_NOT_PUBLISHED',
    );
  }
}

export class TrainingAlreadyPublished extends Conflict {
  constructor() {
    super(
      {
        en: 'This training event is already published.',
        es: 'Esta actividad de capacitación ya está publicada.',
      },
      'TRAINING_ALREADY_PUBLISHED',
    );
  }
}

export class OutsideAudience extends NotAllowed {
  constructor() {
    super({
      en: 'This training event is open to the liaison officers of its networks only.',
      es: 'Esta actividad de capacitación está abierta solo a los oficiales de enlace de sus redes.',
    });
  }
}
