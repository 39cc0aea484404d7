import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransferFlags, type AccountId } from '../../ledger/index.ts';
import { loadDefaultPolicy } from '../../policy/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import type { WalletRow } from '../wallets.sql.ts';
import { capBalance, planCredit, sourceRule, type Destination, type SourceRule } from './plan.ts';
import { creditUuid, requestHash, type CreditRequest } from './request.ts';

const policy = loadDefaultPolicy().policy;
const acc = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as AccountId;
const wallet: WalletRow = {
  id: '10000000-0000-4000-8000-000000000001', user_id: 'usr_x', name: 'main', kind: 'main', currency: 'KRW',
  cashable_account: acc(1), spend_only_account: acc(2), held_account: acc(3), created_at: new Date(0),
};
const toWallet: Destination = { kind: 'wallet', wallet, userId: 'usr_x', tier: 0, lang: 'ko', phone: '+821012345678' };
const now = new Date('2026-03-02T00:00:00Z');

function request(amount: bigint, source = 'tip'): CreditRequest {
  const base = { reference: 'r-1', recipient: { phone: '+821012345678' }, amount: micros(amount), currency: 'KRW' as const, source, description: null, metadata: null };
  return { ...base, hash: requestHash(base) };
}

function plan(amount: bigint, room: bigint, rule: SourceRule, destination: Destination = toWallet) {
  return planCredit({
    request: request(amount), creditId: creditUuid('ptn_a', 'r-1'), partnerId: 'ptn_a', prefundAccount: acc(9), suspenseAccount: acc(8),
    destination, rule, room: micros(room), now,
  });
}

describe('sourceRule', () => {
  it('maps every policy source to its class and clearance; carrier billing and promo are spend-only', () => {
    expect(sourceRule(policy, 'tip')).toEqual({ fundingClass: 'cashable', clearanceHours: 0 });
    expect(sourceRule(policy, 'task_earning')).toEqual({ fundingClass: 'cashable', clearanceHours: 24 });
    expect(sourceRule(policy, 'carrier_billing')?.fundingClass).toBe('spend_only');
    expect(sourceRule(policy, 'promo')?.fundingClass).toBe('spend_only');
    expect(sourceRule(policy, 'nope')).toBeNull();
    expect(sourceRule(policy, 'constructor')).toBeNull();
  });

  it('keeps carrier billing spend-only even if a policy document said otherwise', () => {
    const tampered = { ...policy, sources: { ...policy.sources, carrier_billing: { ...policy.sources.carrier_billing!, funding_class: 'cashable' as const } } };
    expect(sourceRule(tampered, 'carrier_billing')?.fundingClass).toBe('spend_only');
  });
});

describe('planCredit', () => {
  const instant: SourceRule = { fundingClass: 'cashable', clearanceHours: 0 };

  it('lands a credit that fits as one plain transfer into the class account', () => {
    const p = plan(50_000n, 10_000_000n, instant);
    expect(p.status).toBe('posted');
    expect(p.special).toBe(false);
    expect(p.transfers).toHaveLength(1);
    expect(p.transfers[0]).toMatchObject({ id: p.creditId, debit_account_id: acc(9), credit_account_id: acc(1), amount: 50_000n, flags: 0 });
  });

  it('lands spend-only value in the spend-only account', () => {
    const p = plan(50_000n, 10_000_000n, { fundingClass: 'spend_only', clearanceHours: 0 });
    expect(p.transfers[0]!.credit_account_id).toBe(acc(2));
  });

  it('reserves a credit in clearance (pending) until its clearance time', () => {
    const p = plan(50_000n, 10_000_000n, { fundingClass: 'cashable', clearanceHours: 24 });
    expect(p.status).toBe('clearing');
    expect(p.special).toBe(true);
    expect(p.transfers[0]!.flags).toBe(TransferFlags.pending);
    expect(p.clearsAt?.toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('splits at the cap: a linked pair, the excess into the held account', () => {
    const p = plan(100n, 30n, instant);
    expect(p.status).toBe('held_over_cap');
    expect(p.transfers.map((t) => [t.credit_account_id, t.amount, t.flags])).toEqual([[acc(1), 30n, TransferFlags.linked], [acc(3), 70n, 0]]);
    expect(p.transfers[0]!.metadata).toMatchObject({ held: '70' });
  });

  it('sends the whole credit to the held account under its own id when nothing fits', () => {
    const p = plan(100n, 0n, instant);
    expect(p.transfers).toHaveLength(1);
    expect(p.transfers[0]).toMatchObject({ id: p.creditId, credit_account_id: acc(3), amount: 100n });
    expect(p.heldTransferId).toBe(p.creditId);
    expect(p.transfers[0]!.metadata).not.toHaveProperty('held');
  });

  it('parks a credit for an unregistered number in suspense', () => {
    const p = plan(100n, 0n, instant, { kind: 'unclaimed', phone: '+821012345678' });
    expect(p.status).toBe('unclaimed');
    expect(p.transfers[0]).toMatchObject({ credit_account_id: acc(8), amount: 100n });
  });

  it('property: nothing is created or lost, the cap is never passed, a split is linked', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 15n }), fc.integer({ min: 0, max: 48 }), (amount, room, hours) => {
        const p = plan(amount, room, { fundingClass: 'cashable', clearanceHours: hours });
        const total = p.transfers.reduce((s, t) => s + (t.amount as bigint), 0n);
        expect(total).toBe(amount);
        expect(p.accepted + p.held).toBe(amount);
        expect(p.accepted).toBeLessThanOrEqual(room > 0n ? room : 0n);
        if (p.transfers.length === 2) expect((p.transfers[0]!.flags ?? 0) & TransferFlags.linked).toBe(TransferFlags.linked);
        expect((p.transfers[p.transfers.length - 1]!.flags ?? 0) & TransferFlags.linked).toBe(0);
        expect(p.special).toBe(hours > 0 || p.held > 0n);
        for (const t of p.transfers) expect(((t.flags ?? 0) & TransferFlags.pending) !== 0).toBe(hours > 0);
      }),
    );
  });
});

describe('capBalance', () => {
  it('counts posted and clearing value of both classes', () => {
    const a = { credits_posted: 100n, debits_posted: 30n, credits_pending: 5n };
    const b = { credits_posted: 10n, debits_posted: 0n, credits_pending: 0n };
    expect(capBalance([a, b])).toBe(85n as Micros);
  });
});
