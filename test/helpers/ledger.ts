// Sealing follows the cluster-wide oldest running transaction (chain.ts), so on a shared
// PostgreSQL a parallel test's open transaction can delay it; tests that need everything sealed
// wait for it, boundedly.
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/index.ts';
import { verifyLedger, type Ledger, type VerifyReport } from '../../src/ledger/index.ts';

export async function sealAndVerify(ledger: Ledger, db: Kysely<DB>, timeoutMs = 10_000): Promise<VerifyReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await ledger.sealBlocks();
    const report = await verifyLedger(db);
    if (report.transfers_unsealed === 0 || Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
