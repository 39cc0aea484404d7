// The demo world's spending, made by the payments module itself on the history's past clock: a
// convenience store, a webtoon app and a coffee chain with settlement bank accounts; people paying
// them (the policy's spend order takes spend-only value first: carrier-billed top-ups are spent
// before cashable earnings), a refund, the demo user's gift card and monthly subscription, and the
// merchants' settlements paid through the bank rail with the cash-outs.
import type { Micros } from '../money/index.ts';
import type { MerchantRow, PaymentsService } from '../payments/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, uuidToId } from '../shared/ids.ts';
import type { DemoPerson } from './history.ts';
import type { SeededRandom } from './random.ts';

/** 1 won in micro-units. */
const WON = 10_000n;

interface DemoMerchant {
  code: string;
  name: string;
  bank: { code: string; account: string; holder: string };
  /** What one purchase costs there, in whole won. */
  price: [number, number];
}

export const DEMO_MERCHANTS: readonly DemoMerchant[] = [
  { code: 'HARU24', name: '하루24 편의점 (convenience store)', bank: { code: '004', account: '240100012345', holder: '(주)하루24리테일' }, price: [1_200, 9_800] },
  { code: 'TOONLAB', name: '툰랩 웹툰 (webtoon app)', bank: { code: '088', account: '110234567890', holder: '(주)툰랩' }, price: [200, 3_000] },
  { code: 'BEANBREW', name: '빈브루 커피 (coffee chain)', bank: { code: '020', account: '100200300400', holder: '빈브루커피(주)' }, price: [3_500, 6_800] },
];

export interface SpendingSummary {
  merchants: number;
  payments: number;
  refunds: number;
  vouchers: number;
  subscription_charges: number;
  settlements: number;
}

export function emptySpending(): SpendingSummary {
  return { merchants: 0, payments: 0, refunds: 0, vouchers: 0, subscription_charges: 0, settlements: 0 };
}

let sequence = 0;
/** Ids derived from a per-run sequence: one seed never collides with itself. */
const nextId = (kind: string) => derivedUuid(`smallchange:demo:${kind}:${process.pid}:${Date.now()}:${++sequence}`);
const won = (n: number) => ({ amount: (BigInt(n) * WON) as Micros, currency: 'KRW' as const });

/** Money refusals (short balance, a limit): a real person would simply not buy. */
async function softly<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.status < 500) return null;
    throw error;
  }
}

export async function registerDemoMerchants(payments: PaymentsService, staffId: string, partners: readonly (string | null)[]): Promise<MerchantRow[]> {
  const out: MerchantRow[] = [];
  for (const [i, m] of DEMO_MERCHANTS.entries()) {
    out.push(await payments.registerMerchant({ staffId }, {
      name: m.name, code: m.code, partnerId: partners[i] ?? null,
      settlement: { bankCode: m.bank.code, accountNumber: m.bank.account, holderName: m.bank.holder },
    }));
  }
  return out;
}

/**
 * One day's shopping: a few people buy something under the PIN threshold (the session alone
 * authorises it); now and then the coffee chain refunds an order.
 */
export async function shopDay(payments: PaymentsService, random: SeededRandom, people: readonly DemoPerson[], merchants: readonly MerchantRow[], summary: SpendingSummary, day: number): Promise<void> {
  // Once a week the demo user (people[0]) shops too, at each merchant in turn.
  const weekly = day % 7 === 5 ? [{ person: people[0]!, index: Math.floor(day / 7) % merchants.length }] : [];
  const others = Array.from({ length: random.int(0, 2) }, () => ({ person: random.pick(people), index: random.int(0, merchants.length - 1) }));
  for (const { person, index } of [...weekly, ...others]) {
    const merchant = merchants[index]!;
    const [min, max] = DEMO_MERCHANTS[index]!.price;
    const price = Math.round(random.int(min, max) / 100) * 100;
    const paid = await softly(() => payments.pay(person.id, { merchant: merchant.code, amount: won(price), pin: null, reference: null }, { id: nextId('payment') }));
    if (!paid) continue;
    summary.payments++;
    if (merchant.code === 'BEANBREW' && random.chance(0.15)) {
      const refunded = await softly(() => payments.refund(merchant, uuidToId(paid.payment.id, 'pay'), { amount: won(price), reason: '주문 취소 (order cancelled)' }, { id: nextId('refund') }));
      if (refunded) summary.refunds++;
    }
  }
}

/** The demo user's gift card for the coffee chain and the convenience store. */
export async function buyDemoVoucher(payments: PaymentsService, person: DemoPerson, summary: SpendingSummary): Promise<void> {
  const bought = await softly(() => payments.buyVoucher(person.id, { amount: won(10_000), merchants: ['BEANBREW', 'HARU24'], pin: person.pin }, { id: nextId('voucher') }));
  if (bought) summary.vouchers++;
}

/** The webtoon app asks the demo user for a monthly subscription, and the user authorises it with the PIN. */
export async function subscribeDemoUser(payments: PaymentsService, person: DemoPerson, merchant: MerchantRow): Promise<void> {
  const requested = await payments.requestMandate(merchant, { phone: person.phone, amount: won(4_900), period: 'monthly', description: '툰랩 프리미엄 월 구독 (premium, monthly)' });
  await payments.authorizeMandate(person.id, uuidToId(requested.mandate.id, 'sub'), person.pin);
}
