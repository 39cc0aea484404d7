// Cash-out at an agent: the agent enters the person's withdrawal code and the amount; in one
// transaction that holds the code's row, the person's reservation is posted to agent clearing and
// moved on to the agent's float (the agent handed over cash and holds the e-money instead), the
// commission is paid from fee income to the agent's commission account, the cash-out is settled
// (receipt, SMS to the person) and the agent gets an SMS and a receipt. Two agents entering the
// same code at once: the second waits for the first and finds the code used.
//
// Commission comes out of fee income: the operator pays the agent from the fee it earned on the
// cash-out (both are policy numbers; where the commission exceeds the fee, fee income shows the
// difference as the channel's cost). Every leg is one linked chain, so it balances or nothing moves.
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import type { TransferId, TransferInput } from '../ledger/index.ts';
import { assertRedeemable, CODE_FAILURES_PER_HOUR_DEFAULT, type CashoutLedgerRef, type CashoutRow, type TransitionedRow } from '../cashout/index.ts';
import { type Micros } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { computeCommission } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, newId, uuidToId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import { adjustCash, insertAgentTransaction } from './agents.sql.ts';
import type { AgentDeps } from './deps.ts';
import { checkFloat } from './liquidity.ts';
import { maskPersonName } from './mask-name.ts';
import type { AgentRow } from './tables.ts';
import './errors.ts';

export interface AgentWithdrawal {
  cashout: TransitionedRow;
  commission: Micros;
  agent: AgentRow;
  /** The person's legal name, masked (김*늘), for the agent to check before handing over cash; null when unknown. */
  personName: string | null;
}

function onwardTransfers(agent: AgentRow, commission: Micros) {
  return (ref: CashoutLedgerRef, row: CashoutRow): TransferInput[] => [
    {
      id: derivedUuid(`smallchange:agent-cashout:${row.id}:float`) as TransferId,
      debit_account_id: ref.clearingAccount, credit_account_id: agent.float_account, amount: row.payout, currency: row.currency,
      code: TRANSFER_CODES.agent_cash_out, metadata: { cashout: ref.publicId, agent: agent.id },
    },
    ...(commission > 0n
      ? [{
          id: derivedUuid(`smallchange:agent-cashout:${row.id}:commission`) as TransferId,
          debit_account_id: systemAccountId('fee_income', row.currency), credit_account_id: agent.commission_account, amount: commission, currency: row.currency,
          code: TRANSFER_CODES.agent_commission, metadata: { cashout: ref.publicId, agent: agent.id, kind: 'cash_out' },
        }]
      : []),
  ];
}

export async function redeemWithdrawal(
  deps: AgentDeps,
  agent: AgentRow,
  input: { code: string; amount: Micros },
  finish?: (trx: Executor, result: AgentWithdrawal) => Promise<void>,
): Promise<AgentWithdrawal> {
  const policy = (await deps.policy.inForce()).policy;
  // Guessing defence: wrong codes count against the agent that entered them.
  await deps.cashout.assertCodeGuessesLeft(agent.id, policy.agents.code_failures_per_hour ?? CODE_FAILURES_PER_HOUR_DEFAULT, 'agent_code_attempts_exceeded');
  const outcome = await withTransaction(deps.db, async (trx) => {
    const pickup = await deps.cashout.lockPickupCode(trx, 'agent', input.code);
    if (!pickup) return null;
    assertRedeemable(pickup, deps.clock.now(), input.amount);
    const { commission } = computeCommission(policy, 'cash_out', pickup.amount);
    const cashout = await deps.cashout.settlePickupIn(trx, {
      pickup, by: agent.id, actor: `agent:${agent.id}`, railReference: agent.id, onward: onwardTransfers(agent, commission),
    });
    const now = deps.clock.now();
    const cot = uuidToId(cashout.id, 'cot');
    await insertAgentTransaction(trx, {
      id: newId('txf'), agent_id: agent.id, kind: 'cash_out', float_delta: cashout.payout, commission, currency: cashout.currency,
      user_id: cashout.user_id, reference: cot, receipt: cashout.receipt_number, at: now,
    });
    await adjustCash(trx, agent.id, -cashout.payout);
    await enqueue(trx, deps.clock, {
      channel: 'sms', recipient: agent.phone, template: 'agent.cash_out_paid', lang: 'ko',
      body: renderSms('agent.cash_out_paid', 'ko', {
        amount: { amount: cashout.payout, currency: cashout.currency }, commission: { amount: commission, currency: cashout.currency }, receipt: cashout.receipt_number ?? cot.slice(0, 24),
      }, { timeZone: policy.time_zone }),
      payload: { agent: agent.id, cashout: cot, receipt: cashout.receipt_number },
      dedupeKey: `agent:${agent.id}:cashout:${cot}`,
    });
    await checkFloat(deps, trx, agent);
    const person = await deps.identity.findUser(trx, cashout.user_id);
    const result: AgentWithdrawal = { cashout, commission, agent, personName: person?.legalName ? maskPersonName(person.legalName) : null };
    if (finish) await finish(trx, result);
    return result;
  });
  if (outcome) return outcome;
  // A wrong code counts against the agent that entered it, in its own statement (the transaction above wrote nothing).
  await deps.cashout.recordCodeFailure(agent.id);
  throw new DomainError('withdrawal_code_invalid', { param: 'code' });
}
