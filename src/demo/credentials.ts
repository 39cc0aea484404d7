// The demo world's credentials, kept in DATA_DIR (never in the database, where secrets are only
// stored hashed) so that every `npm start` on the same data can print them again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoCredentials {
  user: { phone: string; pin: string; name: string };
  users_more: { phone: string; pin: string; tier: number }[];
  staff: { role: string; email: string; password: string }[];
  partner: { id: string; name: string; api_key: string };
  /**
   * `npm start` prints the banner once the people above exist and writes the rest of the world
   * (the other people, months of history) behind it: 'seeding' until that finishes. Absent in
   * files written before this field existed, which were always complete.
   */
  world?: 'seeding' | 'complete';
}

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'demo-credentials.json');
}

export function readDemoCredentials(dataDir: string): DemoCredentials | null {
  const path = credentialsPath(dataDir);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DemoCredentials) : null;
}

export function writeDemoCredentials(dataDir: string, credentials: DemoCredentials): void {
  writeFileSync(credentialsPath(dataDir), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}
