import type { Me } from './types.js';

/**
 * The signed-in session of this tab. The access token lives in memory only; the refresh token in this tab's
 * sessionStorage, so a reload keeps the page and closing the tab forgets it (no token shared between tabs, whose
 * concurrent rotations would look like reuse and end the session). Refresh tokens rotate on every use (API.md):
 * one refresh runs at a time.
 */
const REFRESH_KEY = 'enlace.refresh';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: Me;
}

type Listener = () => void;

export class SessionExpired extends Error {
  constructor() {
    super('SESSION_EXPIRED');
  }
}

class Session {
  user: Me | null = null;
  accessToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private timer: number | undefined;
  private listeners = new Set<Listener>();
  /** Called when the session ends without the user asking (refresh refused). */
  onExpired: () => void = () => undefined;
  /** True from such an end until the next sign-in: the sign-in screen says why it is shown. */
  expired = false;
  /**
   * MFA_REQUIRED covers this account and it has no second factor yet (the API answered 403 MFA_ENROLMENT_REQUIRED):
   * the app keeps the user on the security screen until a factor is set up.
   */
  mfaEnrolmentRequired = false;

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  get hasRefreshToken(): boolean {
    return !!sessionStorage.getItem(REFRESH_KEY);
  }

  accept(pair: TokenPair): void {
    this.expired = false;
    if (this.user?.id !== pair.user.id) this.mfaEnrolmentRequired = false;
    this.accessToken = pair.accessToken;
    this.user = pair.user;
    sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
    window.clearTimeout(this.timer);
    // refresh a minute before the access token ends (at least after 5 s)
    const ms = Math.max(5, pair.expiresIn - 60) * 1000;
    this.timer = window.setTimeout(() => void this.refresh(), Math.min(ms, 2 ** 31 - 1));
    this.changed();
  }

  requireEnrolment(): void {
    if (this.mfaEnrolmentRequired) return;
    this.mfaEnrolmentRequired = true;
    this.changed();
  }

  enrolled(): void {
    if (!this.mfaEnrolmentRequired) return;
    this.mfaEnrolmentRequired = false;
    this.changed();
  }

  updateUser(user: Me): void {
    this.user = user;
    this.changed();
  }

  /** Rotates the refresh token; false when the session is over (then it is cleared). */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    let res: Response;
    try {
      res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    } catch {
      // offline: keep the session, try again when a request needs it
      return !!this.accessToken;
    }
    if (res.ok) {
      this.accept((await res.json()) as TokenPair);
      return true;
    }
    if (res.status === 401 || res.status === 400) {
      this.expire();
      return false;
    }
    return !!this.accessToken;
  }

  /** Ends the session on the server, then here. */
  async signOut(): Promise<void> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    this.clear();
    if (refreshToken) {
      await fetch('/api/auth/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      }).catch(() => undefined);
    }
  }

  /** The session ended without the user asking: forget it; the app sends the user to sign in and back. */
  expire(): void {
    this.expired = true;
    this.onExpired();
    this.clear();
  }

  clear(): void {
    window.clearTimeout(this.timer);
    sessionStorage.removeItem(REFRESH_KEY);
    this.accessToken = null;
    this.user = null;
    this.mfaEnrolmentRequired = false;
    this.changed();
  }
}

export const session = new Session();
