// "Buy voucher" over USSD, end to end on the real composition root (src/runtime.ts wires the
// feature): whole dialogs through POST /ussd as a gateway sends them, in English and Korean — a
// shop from the list → a face value → for me or another phone → the preview (face value, cost,
// funding classes in spend order) → PIN (a wrong one counted) → the code and PIN once, and the
// SMS; then a merchant of the issuer set redeems the code from the screen or from the SMS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { uuidToId } from '../shared/ids.ts';
import { balancesOf, krw, makeMerchant, makePayer, newKey, openPaymentsWorld, won, type Payer, type PaymentsWorld, type TestMerchant } from '../../test/helpers/payments.ts';
import { bearer, nextPhone } from '../../test/helpers/identity.ts';
import { Dialer } from '../../test/helpers/ussd.ts';
import { fitsOneMessage } from './gsm.ts';
import { messagesFor } from './messages.ts';

/** The runtime's default gateway secret (config USSD_GATEWAY_SECRETS). */
const GATEWAY_SECRET = 'demo-ussd-gateway-secret-change-me';

let world: PaymentsWorld;
let cafe: TestMerchant;
let bakery: TestMerchant;
beforeAll(async () => {
  world = await openPaymentsWorld();
  cafe = await makeMerchant(world, { name: 'Corner Cafe', code: 'CORNERCAFE' });
  bakery = await makeMerchant(world, { name: '동네 빵집', code: 'BAKERY01' });
});
afterAll(async () => world?.close());

class MeasuredDialer extends Dialer {
  override async send(input: string): Promise<string> {
    return measured(await super.send(input));
  }
  override async dial(...shortcut: string[]): Promise<string> {
    return measured(await super.dial(...shortcut));
  }
}

function measured(reply: string): string {
  expect(fitsOneMessage(reply.slice(4)), reply).toBe(true);
  return reply;
}

const dialer = (phone: string) => new MeasuredDialer(world.rt.app, phone, { secret: GATEWAY_SECRET });

function optionOf(screen: string, label: string): string {
  const line = screen.replace(/^(CON|END) /, '').split('\n').find((l) => l.includes(` ${label}`));
  if (!line) throw new Error(`no "${label}" in:\n${screen}`);
  return line.split(' ')[0]!;
}

/** Main menu → Buy voucher → the shop: the face-value screen. */
async function toFaceValues(d: Dialer, lang: 'en' | 'ko', shop: string): Promise<string> {
  const m = messagesFor(lang);
  const menu = await d.dial();
  const shops = await d.send(optionOf(menu, m.menuVoucher));
  return d.send(optionOf(shops, shop));
}

async function vouchersOf(payer: Payer) {
  return world.rt.database.db.selectFrom('vouchers').selectAll().where('buyer_user_id', '=', payer.user.id).orderBy('created_at').execute();
}

async function smsTo(phone: string, template: string) {
  return world.rt.database.db.selectFrom('outbox_messages').select(['body', 'lang']).where('recipient', '=', phone).where('template', '=', template).execute();
}

async function pinFailures(payer: Payer): Promise<number> {
  await world.rt.ctx.services.identity.settle();
  const row = await world.rt.database.db.selectFrom('users').select('pin_failures').where('id', '=', payer.user.id).executeTakeFirstOrThrow();
  return row.pin_failures;
}

const redeem = (merchant: TestMerchant, code: string, pin: string, amount: number) =>
  world.inject({ method: 'POST', url: '/v1/merchant/vouchers/redemptions', headers: { ...bearer(merchant.apiKey), 'idempotency-key': newKey() }, payload: { code, pin, amount: krw(amount) } });

describe('buy voucher over USSD', () => {
  it('en: shop → other amount → for me → preview (spend-only first) → wrong PIN (counted) → code and PIN once, by SMS too; stays spend-only', async () => {
    const payer = await makePayer(world, { cashable: 100_000, spendOnly: 30_000 }, { lang: 'en' });
    const d = dialer(payer.phone);
    const menu = await d.dial();
    const shops = await d.send(optionOf(menu, 'Buy voucher'));
    // An English screen stays GSM 7-bit: a Korean shop name shows as the shop's code.
    expect(shops).toMatch(/^CON Buy voucher: which shop\?\n(\d \S.*\n)+0 Back 00 Menu$/);
    expect(shops).toContain(' Corner Cafe\n');
    expect(shops).toContain(' BAKERY01\n');
    expect(shops).not.toContain('빵집');

    const faces = await d.send(optionOf(shops, 'Corner Cafe'));
    expect(faces).toBe('CON Voucher for Corner Cafe\n1 KRW 5,000\n2 KRW 10,000\n3 KRW 30,000\n4 KRW 50,000\n5 Other amount\n0 Back 00 Menu');
    expect(await d.send('9')).toMatch(/^CON Not an option\. Choose a number\.\nVoucher for Corner Cafe\n/);
    expect(await d.send('5')).toBe('CON Amount (numbers only):\n0 Back 00 Menu');
    expect(await d.send('12.5')).toMatch(/^CON Enter an amount in numbers/);
    const forWhom = await d.send('10000');
    expect(forWhom).toBe('CON Who is it for?\n1 For me\n2 Send to another phone\n0 Back 00 Menu');

    const preview = await d.send('1');
    expect(preview).toMatch(
      /^CON Voucher KRW 10,000 for Corner Cafe\nYou pay KRW 10,000 from spend-only value\nValid 365 days\. No cash back\.\nPIN to confirm:\n0 Back 00 Menu$/,
    );
    expect(await d.send('12345')).toMatch(/^CON A PIN is 6 digits\.\nVoucher KRW 10,000/);
    const wrong = payer.pin === '000001' ? '000002' : '000001';
    expect(await d.send(wrong)).toMatch(/^CON Wrong PIN\. \d+ wrong PINs lock it for \d+ min\.\nVoucher KRW 10,000/);
    expect(await pinFailures(payer)).toBe(1);
    expect(await vouchersOf(payer)).toEqual([]);

    const done = await d.send(payer.pin);
    const shown = /^END Voucher KRW 10,000\nNo\. (\d{4}-\d{4}-\d{4}-\d{4})\nPIN (\d{6})\nReceipt (\d{8}-[0-9A-F]{8})\nAlso sent by SMS\.$/.exec(done);
    expect(shown, done).not.toBeNull();
    const [, code, pin, receipt] = shown!;
    expect(await pinFailures(payer)).toBe(0);

    // The voucher holds spend-only value only; the cashable balance is untouched.
    const [voucher] = await vouchersOf(payer);
    expect(voucher).toMatchObject({ face_value: won(10_000), remaining: won(10_000), spend_only_amount: won(10_000), cashable_amount: won(0), holder_phone: null });
    expect(receipt!.endsWith(voucher!.id.replaceAll('-', '').slice(-8).toUpperCase())).toBe(true);
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(100_000), spend_only: won(20_000) });

    // The same code and PIN by SMS to the buyer; neither at rest in the dialog's row.
    const sms = await smsTo(payer.phone, 'voucher.bought');
    expect(sms).toHaveLength(1);
    expect(sms[0]!.lang).toBe('en');
    expect(sms[0]!.body).toContain(code);
    expect(sms[0]!.body).toContain(pin);
    // A year away, so the date carries its year (bought 2026-01-13 in Seoul; 365 days).
    expect(sms[0]!.body).toContain('until 2027-01-13.');
    const stored = JSON.stringify(await world.rt.database.db.selectFrom('ussd_sessions').selectAll().where('id', '=', d.sessionId).execute());
    for (const secret of [code!, code!.replaceAll('-', ''), pin!, payer.pin]) expect(stored).not.toContain(secret);
    // A gateway retry gets the stored screen: no secret, the receipt, and nothing bought twice.
    expect(await d.retry()).toBe(`END Voucher KRW 10,000 bought. Its number and PIN were sent by SMS. Receipt ${receipt}`);
    expect(await vouchersOf(payer)).toHaveLength(1);

    // Spend-only value reaches a merchant of the issuer set, and only it.
    expect((await redeem(bakery, code!, pin!, 1_000)).json().error.code).toBe('voucher_merchant_not_accepted');
    const paid = await redeem(cafe, code!, pin!, 4_000);
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().remaining).toEqual(krw('6000'));
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(100_000), spend_only: won(20_000) });
  });

  it('en: a fixed face value larger than the spend-only balance takes the rest from cashable, both shown', async () => {
    const payer = await makePayer(world, { cashable: 20_000, spendOnly: 3_000 }, { lang: 'en' });
    const d = dialer(payer.phone);
    await toFaceValues(d, 'en', 'Corner Cafe');
    await d.send('1');
    const preview = await d.send('1');
    expect(preview).toContain('\nYou pay KRW 5,000: spend-only KRW 3,000, cashable KRW 2,000\n');
    expect(await d.send(payer.pin)).toMatch(/^END Voucher KRW 5,000\n/);
    const [voucher] = await vouchersOf(payer);
    expect(voucher).toMatchObject({ spend_only_amount: won(3_000), cashable_amount: won(2_000) });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(18_000), spend_only: won(0) });
  });

  it('ko: a gift to another phone: bad and own numbers refused, the code goes only to that number, which redeems it', async () => {
    const payer = await makePayer(world, { spendOnly: 50_000 }, { lang: 'ko' });
    const friend = nextPhone();
    const d = dialer(payer.phone);
    const faces = await toFaceValues(d, 'ko', '동네 빵집');
    expect(faces).toBe('CON 동네 빵집 상품권\n1 5,000원\n2 10,000원\n3 30,000원\n4 50,000원\n5 다른 금액\n0 이전 00 처음');
    expect(await d.send('2')).toBe('CON 누구에게 줄까요?\n1 나에게\n2 다른 번호로 선물\n0 이전 00 처음');
    expect(await d.send('2')).toBe('CON 받는 휴대폰 번호:\n0 이전 00 처음');
    expect(await d.send('12345')).toBe('CON 휴대폰 번호가 아닙니다.\n받는 휴대폰 번호:\n0 이전 00 처음');
    expect(await d.send(`0${payer.phone.slice(3)}`)).toMatch(/^CON 내 번호입니다\./);
    const national = `0${friend.slice(3)}`;
    const preview = await d.send(national);
    const masked = `${national.slice(0, 3)}-****-${national.slice(-4)}`;
    expect(preview).toBe(`CON 상품권 10,000원\n선물 ${masked}\n결제 10,000원 (결제 전용)\n365일 유효\n확인 PIN:\n0 이전 00 처음`);
    const done = await d.send(payer.pin);
    expect(done).toMatch(new RegExp(`^END 상품권 10,000원, ${masked.replace(/\*/g, '\\*')}로 문자 전송\\. 영수증 \\d{8}-[0-9A-F]{8}$`));
    expect(done).not.toMatch(/\d{4}-\d{4}-\d{4}-\d{4}/);

    const [voucher] = await vouchersOf(payer);
    expect(voucher).toMatchObject({ holder_phone: friend, spend_only_amount: won(10_000), cashable_amount: won(0) });
    // Only the friend gets the code; the buyer gets no copy.
    expect(await smsTo(payer.phone, 'voucher.bought')).toEqual([]);
    const [sms] = await smsTo(friend, 'voucher.received');
    const sent = /번호 (\d{4}-\d{4}-\d{4}-\d{4}) PIN (\d{6})/.exec(sms!.body);
    expect(sent, sms!.body).not.toBeNull();
    const paid = await redeem(bakery, sent![1]!, sent![2]!, 10_000);
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().remaining).toEqual(krw('0'));
    // Given at purchase: it cannot be sent on.
    const again = await world.inject({ method: 'POST', url: `/v1/vouchers/${uuidToId(voucher!.id, 'vch')}/send`, headers: bearer(payer.token), payload: { to: nextPhone() } });
    expect(again.json().error.code).toBe('voucher_already_sent');
  });

  it('ko and en: not enough money, a limit and a frozen account are refused on the amount screen; nothing moves', async () => {
    for (const lang of ['ko', 'en'] as const) {
      const m = messagesFor(lang);
      const payer = await makePayer(world, { cashable: 3_000 }, { lang });
      const d = dialer(payer.phone);
      await toFaceValues(d, lang, 'Corner Cafe');
      const short = await d.send('1');
      // The notice above the same screen (on Korean's 80 characters its last options flow onto a page).
      expect(short.startsWith(`CON ${lang === 'ko' ? '잔액이 부족합니다.' : 'The balance is not enough for this.'}\n${m.voucherAt('Corner Cafe')}\n1 `), short).toBe(true);
      await d.send('5');
      // Above the tier's most in one transaction (300,000 for tier 0): the policy's words.
      expect(await d.send('400000')).toMatch(lang === 'ko' ? /^CON 금액이 1회 최대 한도를 넘습니다\.\n금액\(숫자만\):/ : /^CON The amount is above the most allowed in one transaction\.\nAmount \(numbers only\):/);
      expect(await d.send('0')).toMatch(/^CON /);
      expect(await d.send('00')).toMatch(new RegExp(`^CON ${m.app}\\n1 `));

      await withTransaction(world.rt.database.db, (trx) => world.rt.ctx.services.identity.freezeSelf(trx, payer.user.id, 'ussd'));
      const frozen = dialer(payer.phone);
      await toFaceValues(frozen, lang, 'Corner Cafe');
      expect(await frozen.send('1')).toMatch(lang === 'ko' ? /^CON 계정이 정지되어/ : /^CON The account is frozen/);
      expect(await vouchersOf(payer)).toEqual([]);
      expect(await balancesOf(world, payer)).toEqual({ cashable: won(3_000), spend_only: won(0) });
    }
  });

  it('0 goes back a step, 00 to the main menu', async () => {
    const payer = await makePayer(world, { cashable: 20_000 }, { lang: 'en' });
    const d = dialer(payer.phone);
    await toFaceValues(d, 'en', 'Corner Cafe');
    await d.send('1');
    expect(await d.send('0')).toMatch(/^CON Voucher for Corner Cafe\n1 KRW 5,000/);
    expect(await d.send('0')).toMatch(/^CON Buy voucher: which shop\?\n/);
    await d.send(optionOf(d.replies.at(-1)!, 'Corner Cafe'));
    await d.send('1');
    await d.send('2');
    expect(await d.send('00')).toMatch(/^CON smallchange\n1 Balance\n/);
    expect(await vouchersOf(payer)).toEqual([]);
  });
});

describe('the secret screen', () => {
  it('fits one message in both languages up to a billion won (it is never paged)', () => {
    for (const lang of ['ko', 'en'] as const) {
      const amount = lang === 'ko' ? '999,999,999원' : 'KRW 999,999,999';
      const text = messagesFor(lang).voucherDone(amount, '1234-5678-9012-3456', '123456', '20260113-7F3A09C2').join('\n');
      expect(fitsOneMessage(text), text).toBe(true);
    }
  });
});
