import { Conflict, NotAllowed, NotFound } from '../common/domain-error.js';

export class TrainingEventNotFound extends NotFound {
  constructor() {
    super('training event');
  }
}

export class RegistrationClosed extends Conflict {
  constructor() {
    super('Registration for this training event is closed.', 'REGISTRATION_CLOSED');
  }
}

export class TrainingNotOpen extends Conflict {
  constructor(status: string) {
    super(
      status === 'cancelled'
        ? 'This training event is cancelled.'
        : 'This training event is not published yet.',
      status === 'cancelled' ? 'TRAINING_CANCELLED' : 'TRAINING_NOT_PUBLISHED',
    );
  }
}

export class TrainingAlreadyPublished extends Conflict {
  constructor() {
    super('This training event is already published.', 'TRAINING_ALREADY_PUBLISHED');
  }
}

export class OutsideAudience extends NotAllowed {
  constructor() {
    super('This training event is open to the liaison officers of its networks only.');
  }
}
