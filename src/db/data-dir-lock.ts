// One process at a time on an embedded database: PGlite is a single-process PostgreSQL, and two
// processes opening the same directory would corrupt it. The process that opens it writes its pid
// in `<dir>.lock`; another one finds a live pid there and is refused with a clear message. A lock
// left by a process that died is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export class DatabaseInUseError extends Error {
  readonly code = 'database_in_use';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by another process (pid ${pid}, e.g. a running \`npm start\`): ` +
        'stop it first, or run the server and this command on PostgreSQL (DATABASE_URL)',
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}.lock`;
}

/** Takes the lock or throws DatabaseInUseError; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const path = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      // Our own pid too: this process already has it open (a second handle would corrupt it as surely).
      if (Number.isInteger(holder) && alive(holder)) throw new DatabaseInUseError(dataDir, holder);
      // Stale: its process is gone (or the file is unreadable).
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
