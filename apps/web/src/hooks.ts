import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useSearchParams } from 'react-router';
import { api } from './api/http.js';
import { session } from './api/session.js';
import type { Network, NetworkSlug } from './api/types.js';
import { live } from './realtime/live.js';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
  set: (update: (old: T | undefined) => T | undefined) => void;
}

/** Loads data for a screen; reloads when `deps` change; a later answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const run = useRef(0);
  const reload = useCallback(() => {
    const id = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => id === run.current && setState({ data, loading: false }),
      (error: Error) => id === run.current && setState({ error, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  const set = useCallback(
    (update: (old: T | undefined) => T | undefined) => setState((s) => ({ ...s, data: update(s.data) })),
    [],
  );
  return { ...state, reload, set };
}

/** Re-renders on every change of the live store (messages, unread counts, connection). */
export function useLive(): number {
  return useSyncExternalStore(live.subscribe, live.getVersion);
}

export function useSession() {
  return useSyncExternalStore(
    (fn) => session.subscribe(fn),
    () => session.user,
  );
}

/** Whether MFA_REQUIRED keeps this account on the security screen (no second factor yet). */
export function useEnrolmentRequired(): boolean {
  return useSyncExternalStore(
    (fn) => session.subscribe(fn),
    () => session.mfaEnrolmentRequired,
  );
}

/** A live event while the component is mounted. */
export function useLiveEvent(event: string, fn: (payload: any) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => live.on(event, (p) => ref.current(p)), [event]);
}

let networksCache: Promise<Network[]> | null = null;
session.subscribe(() => {
  networksCache = null;
});
live.on('access.updated', () => {
  networksCache = null;
});

export function loadNetworks(): Promise<Network[]> {
  networksCache ??= api.get<Network[]>('/networks').catch((e) => {
    networksCache = null;
    throw e;
  });
  return networksCache;
}

/** The network a screen shows, kept in the address (`?network=`), defaulting to the user's first. */
export function useNetwork(): {
  networks: Network[] | undefined;
  network: NetworkSlug | undefined;
  setNetwork: (slug: NetworkSlug) => void;
} {
  const { data: networks } = useLoad(loadNetworks, []);
  const [params, setParams] = useSearchParams();
  const asked = params.get('network') as NetworkSlug | null;
  const network = networks?.find((n) => n.slug === asked)?.slug ?? networks?.[0]?.slug;
  const setNetwork = (slug: NetworkSlug) =>
    setParams(
      (p) => {
        p.set('network', slug);
        return p;
      },
      { replace: true },
    );
  return { networks, network, setNetwork };
}
