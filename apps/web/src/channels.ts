import { api } from './api/http.js';
import { session } from './api/session.js';
import type { Channel, Network } from './api/types.js';
import { loadNetworks } from './hooks.js';
import { live } from './realtime/live.js';

export interface NetworkChannels {
  network: Network;
  channels: Channel[];
}

/** Every network of the user with the channels they may read; the live store learns their unread counts. */
export async function loadChannels(): Promise<NetworkChannels[]> {
  const networks = await loadNetworks();
  const lists = await Promise.all(
    networks.map(async (network) => ({
      network,
      channels: await api.get<Channel[]>(`/networks/${network.slug}/channels`),
    })),
  );
  live.setChannels(lists.flatMap((l) => l.channels));
  return lists;
}

let cache: { user: string; at: number; data: Promise<NetworkChannels[]> } | null = null;

/** The channel lists, shared by screens for a few seconds. */
export function channelsCached(): Promise<NetworkChannels[]> {
  const user = session.user?.id ?? '';
  if (!cache || cache.user !== user || Date.now() - cache.at > 5000) {
    cache = { user, at: Date.now(), data: loadChannels() };
    cache.data.catch(() => (cache = null));
  }
  return cache.data;
}
