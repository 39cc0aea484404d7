// The embedded database is opened by one process at a time; a dead holder's lock is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseInUseError, lockDataDir, lockPathOf } from './data-dir-lock.ts';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sc-lock-'));
  dirs.push(dir);
  return join(dir, 'pglite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('refuses a second opener while held, naming the holder; free again after release', () => {
    const dir = scratch();
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DatabaseInUseError);
    try {
      lockDataDir(dir);
    } catch (error) {
      expect((error as DatabaseInUseError).pid).toBe(process.pid);
      expect((error as Error).message).toMatch(/in use by another process .*DATABASE_URL/);
    }
    release();
    expect(existsSync(lockPathOf(dir))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over a lock left by a process that died', () => {
    const dir = scratch();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockPathOf(dir), `${dead.stdout}\n`);
    const release = lockDataDir(dir);
    release();
  });
});
