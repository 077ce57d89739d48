import { createServer } from 'node:net';

/**
 * Before anything starts (embedded PostgreSQL, migrations, the worker), make sure the API can listen on HOST:PORT, so
 * a busy port stops the service with one line naming the variables instead of a failure after a start-up that looked
 * fine. `listenError` words a failure of the real listen (the port taken in between) the same way.
 */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenError(error, host, port)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE')
    return new Error(
      `PORT ${port} is already in use on HOST ${host}: stop the process listening there or set another PORT`,
    );
  if (code === 'EACCES')
    return new Error(
      `PORT ${port} on HOST ${host} needs privileges this process lacks: set a PORT above 1023`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new Error(`HOST ${host} is not an address of this machine: set HOST (e.g. 127.0.0.1 or 0.0.0.0)`);
  return error instanceof Error ? error : new Error(String(error));
}
