// Prefunding: a partner pays into the operator's safeguarding account, and finance staff record
// the deposit. Every credit the partner sends comes out of what was recorded here, so a partner
// can never credit money it has not paid. Idempotent on the bank's reference: recording the same
// deposit twice is one deposit; the same reference with another amount or partner is a conflict.
import { withTransaction } from '../../db/index.ts';
import { isSuccess, type AccountId, type Balance, type Transfer, type TransferId } from '../../ledger/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { derivedUuid } from '../../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../chart.ts';
import { selectPartnerAccount } from '../wallets.sql.ts';
import { policyNow, type CreditsDeps } from './deps.ts';

export const BANK_REFERENCE = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;

export interface PrefundingInput {
  amount: Micros;
  bankReference: string;
}

export interface PrefundingOutcome {
  transfer: Transfer;
  replayed: boolean;
  balance: Balance;
}

export function prefundingUuid(bankReference: string): TransferId {
  return derivedUuid(`smallchange:prefunding:${bankReference}`) as TransferId;
}

function sameDeposit(found: Transfer, prefund: string, amount: Micros): boolean {
  return found.credit_account_id === prefund && found.amount === amount && found.code === TRANSFER_CODES.partner_prefunding;
}

export async function recordPrefunding(deps: CreditsDeps, staffId: string, partnerId: string, input: PrefundingInput, requestId?: string): Promise<PrefundingOutcome> {
  try {
    await deps.identity.getPartner(deps.db, partnerId);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'partner_not_found') throw new DomainError('partner_not_found', { param: 'partner' });
    throw error;
  }
  const policy = await policyNow(deps);
  const prefund = await deps.partners.prefundAccount(partnerId, policy.currency);
  const id = prefundingUuid(input.bankReference);
  const answer = async (replayed: boolean): Promise<PrefundingOutcome> => {
    const [transfer] = await deps.ledger.lookupTransfers([id]);
    const [balance] = await deps.ledger.getBalances([prefund]);
    if (!transfer || !sameDeposit(transfer, prefund, input.amount)) throw new DomainError('idempotency_conflict', { param: 'bank_reference' });
    return { transfer, replayed, balance: balance! };
  };
  const [found] = await deps.ledger.lookupTransfers([id]);
  if (found) return answer(true);

  const result = await withTransaction(deps.db, async (trx) => {
    const [outcome] = await deps.ledger.createTransfersIn(trx, [{
      id,
      debit_account_id: systemAccountId('bank_deposits', policy.currency),
      credit_account_id: prefund,
      amount: input.amount,
      currency: policy.currency,
      code: TRANSFER_CODES.partner_prefunding,
      metadata: { partner: partnerId, bank_reference: input.bankReference },
    }]);
    if (outcome === 'ok') {
      await deps.identity.recordAudit(trx, {
        actor: { kind: 'staff', id: staffId },
        action: 'partner.prefunding_recorded',
        target: { kind: 'partner', id: partnerId },
        after: { amount: input.amount.toString(), currency: policy.currency, bank_reference: input.bankReference },
        requestId: requestId ?? null,
      });
    }
    return outcome!;
  });
  if (result === 'exists_with_different_fields') throw new DomainError('idempotency_conflict', { param: 'bank_reference' });
  if (!isSuccess(result)) throw new Error(`prefunding ${input.bankReference}: the ledger answered ${result}`);
  return answer(result === 'exists');
}

/** A partner that was never prefunded has no account yet: reading does not open one. */
export async function partnerBalance(deps: CreditsDeps, partnerId: string): Promise<Balance> {
  const policy = await policyNow(deps);
  const account = await selectPartnerAccount(deps.db, partnerId, policy.currency);
  const [balance] = account ? await deps.ledger.getBalances([account]) : [];
  const zero = micros(0n);
  return balance ?? { account_id: (account ?? '') as AccountId, currency: policy.currency, posted: zero, pending_out: zero, pending_in: zero, available: zero };
}
