// The ledger's public face (DESIGN §3). It knows no product concept.
export * from './types.ts';
export * from './errors.ts';
export type { Ledger } from './ledger-api.ts';
export { createLedger, TRANSFERS_PER_CALL_MAX, type LedgerOptions } from './ledger.ts';
export { verifyLedger, type VerifyReport } from './verify.ts';
export { expiryId } from './batch.ts';
