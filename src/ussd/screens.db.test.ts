// Every screen of every menu, in both languages, measured on the air: a crawler dials the real
// endpoint, tries every option a screen offers plus navigation, wrong and right PINs and garbage,
// and follows every screen it reaches. Each reply must fit one USSD message (182 GSM 7-bit
// characters, or 80 UCS-2 characters when it holds Korean), and every node of the menus must have
// been seen in both languages. The registered caller holds worst-case money: large amounts with
// dust in every line of the balance.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nextPhone, registerTestUser, type TestUser } from '../../test/helpers/identity.ts';
import { createUssdTestContext, Dialer, type UssdTestContext } from '../../test/helpers/ussd.ts';
import { isSuccess, TransferFlags, type AccountId, type TransferId } from '../ledger/index.ts';
import type { Micros } from '../money/index.ts';
import type { Lang } from '../shared/errors.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import { ussdLength } from './gsm.ts';

let tc: UssdTestContext;
beforeAll(async () => {
  tc = await createUssdTestContext();
  // Shops for "Buy voucher": names as long as merchants get, one Korean (an English screen shows its
  // code instead) and one in the GSM 7-bit alphabet.
  await tc.addMerchant('하루24 편의점 (convenience store) 강남역 2호점', 'HARU24GANGNAM02');
  await tc.addMerchant('Bean Brew Coffee Roasters, Gangnam Station Branch', 'BEANBREWGANGNAM');
});
afterAll(async () => {
  await tc.closeAll();
});

interface Seen {
  screens: number;
  nodes: Set<string>;
  longest: { gsm7: number; ucs2: number };
  tooLong: string[];
}

const PINS_TO_TRY = (right: string) => [right, '000001', '123456', '692047', '692048', '12'];

/** The inputs worth trying on a screen: its options, navigation, PINs, amounts and garbage. */
function candidates(screen: string, pin: string): string[] {
  // Without the CON/END prefix: a page may start with an option ("9 Language" on a menu's page 2).
  const options = screen.replace(/^(CON|END) /, '').split('\n').flatMap((line) => /^(\d{1,2}) /.exec(line)?.[1] ?? []);
  const prompt = /:$/m.test(screen.split('\n').at(-2) ?? '') || /:\n/.test(screen);
  // A mobile number for the voucher's gift recipient (on other prompts, one more wrong input).
  return [...new Set([...options, '0', '00', 'x', '77', ...(prompt ? [...PINS_TO_TRY(pin), '5000', '01098765432'] : [])])];
}

/** `lang`: the dialog's language after the reply (null before a new caller chose one). */
function measure(seen: Seen, lang: Lang | null, reply: string): void {
  seen.screens++;
  const text = reply.replace(/^(CON|END) /, '');
  const length = ussdLength(text);
  seen.longest[length.encoding] = Math.max(seen.longest[length.encoding], length.units);
  if (!length.fits) seen.tooLong.push(`[${lang}] ${length.units}/${length.limit} ${length.encoding}:\n${text}`);
  // English screens must stay 7-bit, or they lose more than half their room (the language choice
  // names Korean in Korean, so it is UCS-2 by nature).
  if (lang === 'en' && length.encoding !== 'gsm7' && !text.includes('1 한국어\n2 English')) seen.tooLong.push(`[en] not GSM 7-bit:\n${text}`);
}

async function langOf(sessionId: string): Promise<Lang | null> {
  const row = await tc.database.db.selectFrom('ussd_sessions').select('lang').where('id', '=', sessionId).executeTakeFirst();
  return row?.lang ?? null;
}

async function nodeOf(sessionId: string): Promise<{ key: string; node: string; open: boolean }> {
  const row = await tc.database.db.selectFrom('ussd_sessions').select(['node', 'data', 'status']).where('id', '=', sessionId).executeTakeFirstOrThrow();
  const data = row.data as Record<string, unknown>;
  return { key: `${row.node}|${String(data._page)}|${String(data.after ?? '')}`, node: row.node, open: row.status === 'open' };
}

/**
 * Breadth-first over dialogs: each path is replayed as a fresh dialog from the first screen.
 * `phoneFor` gives the number to dial for a path; `restore` undoes what the path did.
 */
async function crawl(lang: Lang, phoneFor: () => string, pin: string, restore: () => Promise<void>, prefix: string[]): Promise<Seen> {
  const seen: Seen = { screens: 0, nodes: new Set(), longest: { gsm7: 0, ucs2: 0 }, tooLong: [] };
  const visited = new Set<string>();
  const queue: string[][] = [prefix];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const dialer = new Dialer(tc.app, phoneFor(), { sessionId: `crawl-${randomUUID()}` });
    let reply = await dialer.dial();
    measure(seen, await langOf(dialer.sessionId), reply);
    for (const input of path) {
      reply = await dialer.send(input);
      measure(seen, await langOf(dialer.sessionId), reply);
    }
    const where = await nodeOf(dialer.sessionId);
    seen.nodes.add(where.node);
    await restore();
    if (!where.open || visited.has(where.key) || path.length > 12) continue;
    visited.add(where.key);
    for (const input of candidates(reply, pin)) queue.push([...path, input]);
  }
  return seen;
}

async function worstCaseMoney(userId: string): Promise<void> {
  const wallet = await tc.wallets.core.openMainWallet(tc.database.db, userId, 'KRW');
  const partner = await tc.wallets.core.partnerAccount(tc.database.db, 'ptn_screens', 'KRW');
  const id = () => randomUUID() as TransferId;
  const big = (won: bigint, micros: bigint) => (won * 10_000n + micros) as Micros;
  const bank = systemAccountId('bank_deposits', 'KRW');
  const results = await tc.ledger.createTransfers([
    { id: id(), debit_account_id: bank, credit_account_id: partner, amount: big(99_999_999n, 0n), currency: 'KRW', code: TRANSFER_CODES.partner_prefunding },
    { id: id(), debit_account_id: partner, credit_account_id: wallet.cashable_account as AccountId, amount: big(19_876_543n, 2109n), currency: 'KRW', code: TRANSFER_CODES.credit },
    { id: id(), debit_account_id: partner, credit_account_id: wallet.spend_only_account as AccountId, amount: big(1_234_567n, 8901n), currency: 'KRW', code: TRANSFER_CODES.credit },
    { id: id(), debit_account_id: partner, credit_account_id: wallet.held_account as AccountId, amount: big(7_654_321n, 1234n), currency: 'KRW', code: TRANSFER_CODES.credit },
    // Clearing (a credit in its clearance period) and reserved (a cash-out in flight). The cash-out
    // in flight counts toward today's cash-out limit, so it stays under the tier's daily cap: the
    // crawler must still reach the quote.
    { id: id(), debit_account_id: partner, credit_account_id: wallet.cashable_account as AccountId, amount: big(3_333_333n, 3333n), currency: 'KRW', code: TRANSFER_CODES.credit, flags: TransferFlags.pending },
    { id: id(), debit_account_id: wallet.cashable_account as AccountId, credit_account_id: systemAccountId('bank_clearing', 'KRW'), amount: big(111_111n, 1111n), currency: 'KRW', code: TRANSFER_CODES.cashout, flags: TransferFlags.pending },
  ]);
  expect(results.every(isSuccess), results.join(',')).toBe(true);
}

async function restorerFor(u: TestUser, lang: Lang): Promise<() => Promise<void>> {
  const original = await tc.database.db.selectFrom('users').select(['pin_hash', 'pin_salt', 'pin_key_version']).where('id', '=', u.user.id).executeTakeFirstOrThrow();
  return async () => {
    await tc.identity.settle();
    await tc.database.db
      .updateTable('users')
      .set({ ...original, pin_failures: 0, locked_until: null, frozen_by: null, frozen_reason: null, frozen_at: null, lang })
      .where('id', '=', u.user.id)
      .execute();
    // A cap lowered on an earlier path would bind every cash-out after it: each path starts from none.
    await tc.database.db.deleteFrom('self_limit_changes').where('user_id', '=', u.user.id).execute();
    // Codes sent on earlier paths are an hour old for the per-phone sending limit: each path is a new dialog.
    await tc.database.db
      .updateTable('otp_challenges')
      .set({ created_at: new Date(Date.now() - 2 * 3_600_000) })
      .where('user_id', '=', u.user.id)
      .execute();
  };
}

function report(seen: Seen[]): string {
  return seen.map((s) => `${s.screens} screens; longest ${s.longest.gsm7}/182 GSM-7, ${s.longest.ucs2}/80 UCS-2`).join('; ');
}

describe('every screen fits one USSD message', () => {
  for (const lang of ['ko', 'en'] as const) {
    test(`${lang}: registration and every menu of a registered caller`, { timeout: 600_000 }, async () => {
      const unregistered = await crawl(lang, () => nextPhone(), '480273', async () => undefined, [lang === 'ko' ? '1' : '2']);
      const u = await registerTestUser(tc, { lang });
      await worstCaseMoney(u.user.id);
      // A saved payout destination, so that the crawler walks cash-out to its quote and code screens.
      await tc.addWalletDestination(u.user.id, { account: 'a-rather-long.wallet-account@paybox' });
      // The first call-back topic tried files a request; the crawler's later visits see the open one.
      const registered = await crawl(lang, () => u.phone, u.pin, await restorerFor(u, lang), []);

      expect([...unregistered.tooLong, ...registered.tooLong]).toEqual([]);
      const all = new Set([...unregistered.nodes, ...registered.nodes]);
      const expected = [...Object.keys(tc.ussd.nodes), '_final'];
      expect(expected.filter((node) => !all.has(node)), `seen: ${[...all].join(', ')}`).toEqual([]);
      console.info(`[${lang}] ${report([unregistered, registered])}`);
    });
  }
});
