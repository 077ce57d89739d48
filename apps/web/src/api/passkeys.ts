import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api } from './http.js';
import type { TokenPair } from './session.js';

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

/** Registers a passkey of this device for the signed-in account (WebAuthn through @simplewebauthn/browser). */
export async function addPasskey(name: string): Promise<Passkey> {
  const optionsJSON =
    await api.post<Parameters<typeof startRegistration>[0]['optionsJSON']>('/me/passkeys/options');
  const response = await startRegistration({ optionsJSON });
  return api.post<Passkey>('/me/passkeys', { response, ...(name.trim() ? { name: name.trim() } : {}) });
}

/** Signs in with a discoverable passkey: no email asked, the authenticator names the account. */
export async function signInWithPasskey(): Promise<TokenPair> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json?.error?.message ?? res.statusText);
    return json;
  };
  const optionsJSON = await post('/api/auth/passkey/options', {});
  const response = await startAuthentication({ optionsJSON });
  return (await post('/api/auth/passkey', { response })) as TokenPair;
}
