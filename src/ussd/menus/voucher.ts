// Buy voucher: which shop (a short numbered list) → the face value (a few fixed ones, or another
// amount) → for me, or for another phone → the preview (face value, what it costs, from which
// funding class) → the PIN → the code and PIN once, with the receipt number.
//
// Pricing and buying are the payments service's, as the API's are: its spend order (spend-only
// value first), freeze, tier and own spend caps and balance checks apply unchanged. The price is
// asked on the amount step, so a refusal (not enough money, a limit, a frozen account) shows
// where the amount was chosen, before anything else is asked; the purchase judges again.
//
// The PIN is typed on the preview, never echoed; a wrong one counts toward the lockout (the
// payments service verifies it with identity). For me: the code and PIN are shown once
// (endWithSecret: the dialog's row keeps the screen without them) and also go to the caller by SMS
// — a USSD screen is gone once dismissed, and a reply can be lost on the air. For another phone:
// the code and PIN go only to that number by SMS; the caller sees neither.
import { tryNormalizePhone } from '../../identity/index.ts';
import { parseAmount, type CurrencyCode, type Micros } from '../../money/index.ts';
import { voucherReceiptNumber, type PaymentsService, type VoucherRow } from '../../payments/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { UssdFeature } from '../feature.ts';
import { ussdMoney, ussdPhone } from '../format.ts';
import { fitsOneMessage, isGsm7 } from '../gsm.ts';
import { end, endWithSecret, go, numbered, pick, PIN_SHAPE, stay, type NodeTable, type Step, type Turn } from '../node.ts';
import { typedAmount } from './cashout.ts';
import { wrongPinNotice } from './pin.ts';

/** Shops offered (single keys 1–9; a longer list flows onto pages like any screen). */
export const VOUCHER_ISSUERS_SHOWN_MAX = 9;

/**
 * The fixed face values, in whole units of the currency; "Other amount" takes any other. Chosen
 * as a shop's gift cards usually are: a small one, and round steps up.
 */
const FACE_VALUES: Readonly<Record<CurrencyCode, readonly string[]>> = {
  KRW: ['5000', '10000', '30000', '50000'],
  JPY: ['500', '1000', '3000', '5000'],
  USD: ['5', '10', '25', '50'],
  EUR: ['5', '10', '25', '50'],
};

/**
 * A shop's name as a screen shows it, clipped so a Korean screen (80 characters) keeps room for
 * the rest. An English screen must stay in the GSM 7-bit alphabet (182 characters): a name outside
 * it (a Korean one) would turn the whole screen into UCS-2, so the shop's code is shown instead.
 */
const SHOP_CHARS_MAX = { ko: 12, en: 16 } as const;
function shopLabel(turn: Pick<Turn, 'lang'>, shop: { code: string; name: string }): string {
  const name = turn.lang === 'en' && !isGsm7(shop.name) ? shop.code : shop.name.replace(/\s+/g, ' ').trim();
  const chars = [...name];
  const max = SHOP_CHARS_MAX[turn.lang];
  return chars.length <= max ? name : `${chars.slice(0, max - 2).join('').trimEnd()}..`;
}

/** What the dialog keeps of the purchase being prepared (amounts as strings: the data is JSON). */
interface Draft {
  shop: { code: string; name: string };
  currency: CurrencyCode;
  /** The face value. */
  amount: Micros;
  /** What leaves the wallet for it. */
  cost: Micros;
  split: { spend_only: Micros; cashable: Micros };
  /** E.164, or null: for the caller. */
  to: string | null;
  /** The voucher's id, fixed per preview: a repeated request cannot buy twice. */
  id: string;
}

/** The chosen shop, kept as [code, name]. */
function shopOf(turn: Turn): { code: string; name: string } {
  const [code = '', name = ''] = turn.state.data['voucher.shop'] as string[];
  return { code, name };
}

function draftOf(turn: Turn): Draft {
  const d = turn.state.data;
  const [currency, amount, cost, spendOnly, cashable] = d['voucher.amounts'] as string[];
  return {
    shop: shopOf(turn),
    currency: currency as CurrencyCode,
    amount: BigInt(amount!) as Micros,
    cost: BigInt(cost!) as Micros,
    split: { spend_only: BigInt(spendOnly!) as Micros, cashable: BigInt(cashable!) as Micros },
    to: typeof d['voucher.to'] === 'string' ? d['voucher.to'] : null,
    id: d['voucher.id'] as string,
  };
}

export function voucherNodes(payments: PaymentsService): NodeTable {
  async function shops(turn: Turn) {
    const { currency } = await turn.policy();
    const rows = await payments.voucherIssuers(currency, VOUCHER_ISSUERS_SHOWN_MAX);
    return numbered(rows.map((row) => ({ row, label: shopLabel(turn, row) })));
  }

  async function faceValues(turn: Turn) {
    const { currency } = await turn.policy();
    const fixed = FACE_VALUES[currency].map((major) => ({ amount: parseAmount(major, currency) as Micros | null, label: ussdMoney(parseAmount(major, currency), currency, turn.lang) }));
    return numbered([...fixed, { amount: null, label: turn.m.otherAmount }]);
  }

  /** Prices the amount with the payments service; its refusal stays on the screen the amount came from. */
  async function price(turn: Turn, amount: Micros): Promise<Step> {
    const shop = shopOf(turn);
    const { currency } = await turn.policy();
    try {
      const priced = await payments.priceVoucher((await turn.user()).id, { amount: { amount, currency }, merchants: [shop.code] });
      const { split } = priced;
      return go('voucher.for', { 'voucher.amounts': [currency, String(priced.amount.amount), String(priced.cost.amount), String(split.spend_only), String(split.cashable)] });
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) return stay(error.localizedMessage(turn.lang));
      throw error;
    }
  }

  /** The preview, with a fresh voucher id: going back and choosing again is another purchase. */
  const preview = (to: string | null): Step => go('voucher.preview', { 'voucher.to': to, 'voucher.id': uuidv7() });

  async function buy(turn: Turn, pin: string): Promise<Step> {
    const draft = draftOf(turn);
    const m = turn.m;
    const userId = (await turn.user()).id;
    const input = { amount: { amount: draft.amount, currency: draft.currency }, merchants: [draft.shop.code], pin };
    const { time_zone } = await turn.policy();
    const face = ussdMoney(draft.amount, draft.currency, turn.lang);
    const receipt = (voucher: VoucherRow) => voucherReceiptNumber(voucher, time_zone);
    try {
      if (draft.to) {
        const given = await payments.giftVoucher(userId, { ...input, to: draft.to }, { id: draft.id });
        return end(m.voucherGiven(face, ussdPhone(draft.to), receipt(given.voucher)));
      }
      const issued = await payments.buyVoucher(userId, { ...input, smsCopy: true }, { id: draft.id });
      const shown = m.voucherDone(face, issued.code, issued.pin, receipt(issued.voucher));
      // The secret screen is never paged (the engine shows its first page only): past a billion won,
      // the "also by SMS" line gives way to the code and PIN.
      const lines = fitsOneMessage(shown.join('\n')) ? shown : shown.slice(0, -1);
      return endWithSecret(lines, [m.voucherKept(face, receipt(issued.voucher))]);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'invalid_credentials') return stay(await wrongPinNotice(turn));
      if (error.status >= 500) throw error;
      // Not enough money or a limit since the preview, a freeze, a locked PIN: the service's words.
      return stay(error.localizedMessage(turn.lang));
    }
  }

  return {
    voucher: {
      async screen(turn) {
        const options = await shops(turn);
        if (options.length === 0) return { title: turn.m.voucherTitle, lines: [turn.m.noIssuers] };
        return { title: turn.m.voucherTitle, options };
      },
      async answer(turn, input) {
        const choice = pick(await shops(turn), input);
        if (!choice) return stay(turn.m.invalidChoice);
        return go('voucher.amount', { 'voucher.shop': [choice.row.code, choice.row.name] });
      },
    },

    'voucher.amount': {
      async screen(turn) {
        return { title: turn.m.voucherAt(shopLabel(turn, shopOf(turn))), options: await faceValues(turn) };
      },
      async answer(turn, input) {
        const choice = pick(await faceValues(turn), input);
        if (!choice) return stay(turn.m.invalidChoice);
        return choice.amount === null ? go('voucher.enter') : price(turn, choice.amount);
      },
    },

    'voucher.enter': {
      screen: (turn) => ({ prompt: turn.m.amountPrompt }),
      async answer(turn, input) {
        const amount = await typedAmount(turn, input);
        return amount === null || amount <= 0n ? stay(turn.m.invalidAmount) : price(turn, amount);
      },
    },

    'voucher.for': {
      screen: (turn) => ({
        title: turn.m.voucherFor,
        options: [
          { key: '1', label: turn.m.forMe },
          { key: '2', label: turn.m.forOther },
        ],
      }),
      answer(turn, input) {
        if (input === '1') return preview(null);
        if (input === '2') return go('voucher.phone');
        return stay(turn.m.invalidChoice);
      },
    },

    'voucher.phone': {
      screen: (turn) => ({ prompt: turn.m.phonePrompt }),
      answer(turn, input) {
        const phone = tryNormalizePhone(input);
        if (!phone) return stay(turn.m.invalidPhone);
        if (phone === turn.phone) return stay(turn.m.ownNumber);
        return preview(phone);
      },
    },

    'voucher.preview': {
      async screen(turn) {
        const draft = draftOf(turn);
        const m = turn.m;
        const money = (amount: Micros) => ussdMoney(amount, draft.currency, turn.lang);
        const { payments: rules } = await turn.policy();
        const cost = money(draft.cost);
        const { spend_only: spendOnly, cashable } = draft.split;
        // The classes in the order the payments service spends them; the split adds up to the cost.
        const costLine =
          spendOnly > 0n && cashable > 0n
            ? m.voucherCostSplit(cost, [m.fromSpendOnly(money(spendOnly)), m.fromCashable(money(cashable))])
            : m.voucherCostFrom(cost, spendOnly > 0n ? m.spendOnlyValue : m.cashableValue);
        // Most important first: a screen too long for one message flows its last lines onto a page.
        return {
          lines: [
            m.voucherFace(money(draft.amount), shopLabel(turn, draft.shop)),
            ...(draft.to ? [m.voucherTo(ussdPhone(draft.to))] : []),
            costLine,
            m.voucherValid(rules.voucher_validity_days),
          ],
          prompt: m.confirmPin,
        };
      },
      async answer(turn, input) {
        if (!PIN_SHAPE.test(input)) return stay(turn.m.pinFormat);
        return buy(turn, input);
      },
    },
  };
}

/** The "Buy voucher" entry of the main menu, over the payments service's vouchers. */
export function voucherFeature(payments: PaymentsService): UssdFeature {
  return { slot: 'voucher', entry: { label: (m) => m.menuVoucher, node: 'voucher' }, nodes: voucherNodes(payments) };
}

