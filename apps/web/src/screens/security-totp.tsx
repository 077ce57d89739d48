import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { ErrorNote, Field } from '../components/ui.js';

type Step =
  | { kind: 'start' }
  | { kind: 'scan'; secret: string; otpauthUrl: string; qr: string }
  | { kind: 'codes'; recoveryCodes: string[] };

/** Turning on an authenticator app: a QR code (and the secret to type), a first code, then the recovery codes. */
export function TotpEnrolment({ onEnabled, onDone }: { onEnabled: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'start' });
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [step]);

  const begin = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ secret: string; otpauthUrl: string }>('/me/2fa/totp');
      const qr = await QRCode.toDataURL(res.otpauthUrl, { margin: 1, width: 220 });
      setStep({ kind: 'scan', ...res, qr });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ recoveryCodes: string[] }>('/me/2fa/totp/confirm', { code: code.trim() });
      setCode('');
      setStep({ kind: 'codes', recoveryCodes: res.recoveryCodes });
      onEnabled();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (step.kind === 'start')
    return (
      <>
        <p>{t('security.totpIntro')}</p>
        {error ? <ErrorNote error={error} /> : null}
        <button type="button" className="primary" onClick={() => void begin()} disabled={busy}>
          {t('security.setUp')}
        </button>
      </>
    );

  if (step.kind === 'scan')
    return (
      <>
        <p>{t('security.scan')}</p>
        <img src={step.qr} width={220} height={220} alt={t('security.qrAlt')} />
        <p>
          {t('security.secretText')} <code data-testid="totp-secret">{step.secret}</code>
        </p>
        <form onSubmit={confirm}>
          <Field label={t('security.firstCode')}>
            {(id) => (
              <input
                id={id}
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
          {error ? <ErrorNote error={error} /> : null}
          <button type="submit" className="primary" disabled={busy}>
            {t('security.confirm')}
          </button>
        </form>
      </>
    );

  const text = step.recoveryCodes.join('\n') + '\n';
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'enlace-recovery-codes.txt';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <>
      <p role="status" className="note">
        {t('security.codesIntro')}
      </p>
      <ol className="recovery-codes" aria-label={t('security.codesTitle')}>
        {step.recoveryCodes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <p>
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(text).then(
              () => setCopied(true),
              () => undefined,
            )
          }
        >
          {copied ? t('security.copied') : t('security.copy')}
        </button>{' '}
        <button type="button" onClick={download}>
          {t('security.download')}
        </button>{' '}
        <button type="button" className="primary" onClick={onDone}>
          {t('security.saved')}
        </button>
      </p>
    </>
  );
}
