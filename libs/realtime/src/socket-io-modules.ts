import { createRequire } from 'node:module';

/**
 * Loads a module as socket.io itself resolves it (`engine.io`, `socket.io-parser`, `socket.io-adapter`): the copy
 * socket.io runs with, whatever npm hoisted, so that what this library extends or wraps is the one in use.
 */
export const fromSocketIo: NodeJS.Require = createRequire(
  createRequire(import.meta.url).resolve('socket.io'),
);
