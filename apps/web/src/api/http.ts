import { session, SessionExpired } from './session.js';

/** An error answer of the API (`{"error":{"code","message","details"}}`) or a network failure (`NETWORK`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ field?: string; message: string }> = [],
  ) {
    super(message);
  }
}

async function send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (session.user) headers['accept-language'] = session.user.locale;
  try {
    return await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached.');
  }
}

/** One authenticated call; an expired access token is refreshed once and the call retried. */
export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  if (!session.accessToken && session.hasRefreshToken) await session.refresh();
  let res = await send(method, path, body, session.accessToken);
  if (res.status === 401 && session.hasRefreshToken) {
    if (!(await session.refresh())) throw new SessionExpired();
    res = await send(method, path, body, session.accessToken);
  }
  if (res.status === 401) {
    session.expire();
    throw new SessionExpired();
  }
  if (!res.ok) {
    let error: { code?: string; message?: string; details?: ApiError['details'] } = {};
    try {
      error = ((await res.json()) as { error?: typeof error }).error ?? {};
    } catch {
      /* not JSON */
    }
    if (error.code === 'MFA_ENROLMENT_REQUIRED') session.requireEnrolment();
    throw new ApiError(
      res.status,
      error.code ?? `HTTP_${res.status}`,
      error.message ?? res.statusText,
      error.details,
    );
  }
  return res;
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => json<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => json<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => json<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => json<T>('PATCH', path, body),
  delete: <T>(path: string) => json<T>('DELETE', path),
  /** The raw answer of a GET (a file), with the caller's token. */
  fetch: (path: string) => request('GET', path),
  /** A file (CSV) with the caller's token, handed to the browser as a download. */
  async download(path: string, filename: string): Promise<void> {
    const res = await request('GET', path);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

/** Query strings without empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
