import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import type { Assignment } from '../api/types.js';
import { ErrorNote, Field } from './ui.js';

/** Acknowledge or mark done, for the officer's own country, with an optional note. */
export function Respond({
  followUpId,
  assignment,
  onAnswered,
}: {
  followUpId: string;
  assignment: Assignment;
  onAnswered: (a: Assignment) => void;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (assignment.status === 'done') return null;
  const answer = async (status: 'acknowledged' | 'done') => {
    setBusy(true);
    setError(null);
    try {
      onAnswered(
        await api.post<Assignment>(`/follow-ups/${followUpId}/responses`, {
          status,
          ...(note ? { note } : {}),
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="respond">
      <Field label={t('myItems.note')}>
        {(id) => <input id={id} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      {assignment.status !== 'acknowledged' && (
        <button type="button" disabled={busy} onClick={() => void answer('acknowledged')}>
          {t('myItems.acknowledge')}
        </button>
      )}{' '}
      <button type="button" className="primary" disabled={busy} onClick={() => void answer('done')}>
        {t('myItems.done')}
      </button>
      {error ? <ErrorNote error={error} /> : null}
    </div>
  );
}
