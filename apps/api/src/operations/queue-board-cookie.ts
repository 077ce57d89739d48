/** Where the board is served (a browser page, outside `/api`). */
export const QUEUE_BOARD_PATH = '/admin/queues';
/** The cookie that carries the admin's access token to the board: HttpOnly, SameSite=Strict, scoped to its path. */
export const QUEUE_BOARD_COOKIE = 'enlace_queue_board';

/** One cookie's value from a Cookie header (undefined when absent or not decodable). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
