// pain.001.001.10 Customer Credit Transfer Initiation: the payout batch file we send to the bank.
// One payment-information block per file (one debtor account, one execution date), one
// credit-transfer transaction per cash-out, with our cash-out id as the end-to-end id so that
// every answer and every statement line leads back to it.
import { isCurrencyCode, type CurrencyCode } from '../../money/index.ts';
import { DomainError } from '../../shared/errors.ts';
// The catalogue must be registered wherever its codes can be thrown.
import '../errors.ts';
import { checkKoreanBankAccount } from './korean-banks.ts';
import {
  checkText, fitsIsoAmount, formatDateTime, formatMinor, isIsoDate, isIsoReference, parseDate, parseDateTime, parseMinor,
  type ParseResult,
} from './iso-values.ts';
import { attribute, child, children, readValidated, text, XmlWriter, type XmlNode } from './xml.ts';
import { namespaceOf } from './xsd.ts';

export const PAIN001_KIND = 'pain.001.001.10' as const;
/** A limit on everything: the largest batch one file carries (the benchmark's batch size). */
export const PAYOUT_ITEMS_MAX = 100_000;
/** Korean banks are identified by their KFTC code, a proprietary clearing-system id in ISO terms. */
export const KFTC_CLEARING_SYSTEM = 'KFTC';
const NAME_CHARS_MAX = 140;
const REMITTANCE_CHARS_MAX = 140;

export interface PayoutDebtor {
  /** The operator, as its bank knows it. */
  name: string;
  bankCode: string;
  accountNumber: string;
  /** The account's currency; every item is paid in it. */
  currency: CurrencyCode;
}

export interface PayoutItem {
  /** Our cash-out id: the end-to-end id every answer and statement line carries back. */
  endToEndId: string;
  /** Whole minor units (won): rails pay no dust. */
  amountMinor: bigint;
  currency: CurrencyCode;
  creditorName: string;
  creditorBankCode: string;
  creditorAccountNumber: string;
  remittanceInfo?: string;
}

export interface PayoutBatch {
  /** Our batch id; the bank refuses a second file with the same one (DU01). */
  messageId: string;
  createdAt: Date;
  /** YYYY-MM-DD, a business day the caller chose (cut-offs and holidays are policy). */
  requestedExecutionDate: string;
  debtor: PayoutDebtor;
  items: readonly PayoutItem[];
}

export interface PayoutProblem {
  code: 'invalid_payout_batch' | 'invalid_bank_code' | 'invalid_account_number';
  /** The input field, e.g. "items[3].creditorAccountNumber". */
  param: string;
  message: string;
}

/** The item as it will be written (text cleaned, account digits only), or what is wrong with it. */
export function checkPayoutItem(
  item: PayoutItem,
  currency: CurrencyCode,
  param = 'item',
): { ok: true; item: PayoutItem } | { ok: false; problems: PayoutProblem[] } {
  const problems: PayoutProblem[] = [];
  const bad = (field: string, message: string, code: PayoutProblem['code'] = 'invalid_payout_batch') =>
    problems.push({ code, param: `${param}.${field}`, message });
  if (!isIsoReference(item.endToEndId)) bad('endToEndId', 'must be 1–35 characters of A–Z a–z 0–9 _ . : / + -');
  if (item.amountMinor <= 0n) bad('amountMinor', 'must be positive');
  else if (!fitsIsoAmount(item.amountMinor, item.currency)) bad('amountMinor', 'has more than 18 digits');
  if (item.currency !== currency) bad('currency', `must be the debtor account's currency ${currency}`);
  const name = checkText(item.creditorName, NAME_CHARS_MAX);
  if (!name.ok) bad('creditorName', name.error);
  const account = checkKoreanBankAccount(item.creditorBankCode, item.creditorAccountNumber);
  if (!account.ok) bad(account.param === 'bank_code' ? 'creditorBankCode' : 'creditorAccountNumber', account.message, account.code);
  const remittance = item.remittanceInfo === undefined ? undefined : checkText(item.remittanceInfo, REMITTANCE_CHARS_MAX);
  if (remittance && !remittance.ok && remittance.error !== 'is empty') bad('remittanceInfo', remittance.error);
  if (problems.length > 0 || !name.ok || !account.ok) return { ok: false, problems };
  const cleaned: PayoutItem = {
    endToEndId: item.endToEndId,
    amountMinor: item.amountMinor,
    currency: item.currency,
    creditorName: name.text,
    creditorBankCode: account.bank.code,
    creditorAccountNumber: account.accountNumber,
  };
  if (remittance?.ok) cleaned.remittanceInfo = remittance.text;
  return { ok: true, item: cleaned };
}

/** The batch as it will be written, or every problem found (not just the first). */
export function checkPayoutBatch(batch: PayoutBatch): { ok: true; batch: PayoutBatch } | { ok: false; problems: PayoutProblem[] } {
  const problems: PayoutProblem[] = [];
  const bad = (param: string, message: string, code: PayoutProblem['code'] = 'invalid_payout_batch') => problems.push({ code, param, message });
  if (!isIsoReference(batch.messageId)) bad('messageId', 'must be 1–35 characters of A–Z a–z 0–9 _ . : / + -');
  if (Number.isNaN(batch.createdAt.getTime())) bad('createdAt', 'is not a valid time');
  if (!isIsoDate(batch.requestedExecutionDate)) bad('requestedExecutionDate', 'must be a date YYYY-MM-DD');
  const debtorName = checkText(batch.debtor.name, NAME_CHARS_MAX);
  if (!debtorName.ok) bad('debtor.name', debtorName.error);
  const debtorAccount = checkKoreanBankAccount(batch.debtor.bankCode, batch.debtor.accountNumber);
  if (!debtorAccount.ok) bad(`debtor.${debtorAccount.param === 'bank_code' ? 'bankCode' : 'accountNumber'}`, debtorAccount.message, debtorAccount.code);
  if (batch.items.length === 0) bad('items', 'a batch needs at least one item');
  if (batch.items.length > PAYOUT_ITEMS_MAX) bad('items', `a batch carries at most ${PAYOUT_ITEMS_MAX} items`);
  const items: PayoutItem[] = [];
  const seen = new Set<string>();
  let controlSum = 0n;
  batch.items.forEach((item, index) => {
    const checked = checkPayoutItem(item, batch.debtor.currency, `items[${index}]`);
    if (!checked.ok) problems.push(...checked.problems);
    else items.push(checked.item);
    if (seen.has(item.endToEndId)) bad(`items[${index}].endToEndId`, 'appears twice in the batch');
    seen.add(item.endToEndId);
    if (item.amountMinor > 0n) controlSum += item.amountMinor;
  });
  if (!fitsIsoAmount(controlSum, batch.debtor.currency)) bad('items', 'the control sum has more than 18 digits');
  if (problems.length > 0 || !debtorName.ok || !debtorAccount.ok) return { ok: false, problems };
  return {
    ok: true,
    batch: {
      messageId: batch.messageId,
      createdAt: batch.createdAt,
      requestedExecutionDate: batch.requestedExecutionDate,
      debtor: { name: debtorName.text, bankCode: debtorAccount.bank.code, accountNumber: debtorAccount.accountNumber, currency: batch.debtor.currency },
      items,
    },
  };
}

/** Throws the first problem as a DomainError (code, param), with all of them in data.problems. */
export function assertPayoutBatch(batch: PayoutBatch): PayoutBatch {
  const checked = checkPayoutBatch(batch);
  if (checked.ok) return checked.batch;
  const [first] = checked.problems;
  throw new DomainError(first?.code ?? 'invalid_payout_batch', { param: first?.param, data: { problems: checked.problems } });
}

function writeAgent(xml: XmlWriter, name: string, bankCode: string): void {
  xml.element(name, () => xml.element('FinInstnId', () => xml.element('ClrSysMmbId', () => {
    xml.element('ClrSysId', () => xml.leaf('Prtry', KFTC_CLEARING_SYSTEM));
    xml.leaf('MmbId', bankCode);
  })));
}

function writeAccount(xml: XmlWriter, name: string, accountNumber: string, currency?: CurrencyCode): void {
  xml.element(name, () => {
    xml.element('Id', () => xml.element('Othr', () => xml.leaf('Id', accountNumber)));
    xml.leaf('Ccy', currency);
  });
}

/** The pain.001 XML of a batch (DomainError if the batch cannot be sent; see assertPayoutBatch). */
export function buildPain001(input: PayoutBatch): string {
  const batch = assertPayoutBatch(input);
  const { debtor } = batch;
  const count = String(batch.items.length);
  const controlSum = formatMinor(batch.items.reduce((total, item) => total + item.amountMinor, 0n), debtor.currency);
  const xml = new XmlWriter();
  xml.start('Document', { xmlns: namespaceOf(PAIN001_KIND) }).start('CstmrCdtTrfInitn');
  xml.element('GrpHdr', () => {
    xml.leaf('MsgId', batch.messageId).leaf('CreDtTm', formatDateTime(batch.createdAt)).leaf('NbOfTxs', count).leaf('CtrlSum', controlSum);
    xml.element('InitgPty', () => xml.leaf('Nm', debtor.name));
  });
  xml.start('PmtInf');
  xml.leaf('PmtInfId', batch.messageId).leaf('PmtMtd', 'TRF');
  // One statement line per payout, not one for the batch: reconciliation matches them one by one.
  xml.leaf('BtchBookg', 'false').leaf('NbOfTxs', count).leaf('CtrlSum', controlSum);
  xml.element('ReqdExctnDt', () => xml.leaf('Dt', batch.requestedExecutionDate));
  xml.element('Dbtr', () => xml.leaf('Nm', debtor.name));
  writeAccount(xml, 'DbtrAcct', debtor.accountNumber, debtor.currency);
  writeAgent(xml, 'DbtrAgt', debtor.bankCode);
  // The operator bears the bank's charges: the person receives exactly the quoted amount.
  xml.leaf('ChrgBr', 'DEBT');
  for (const item of batch.items) {
    xml.start('CdtTrfTxInf');
    xml.element('PmtId', () => xml.leaf('EndToEndId', item.endToEndId));
    xml.element('Amt', () => xml.leaf('InstdAmt', formatMinor(item.amountMinor, item.currency), { Ccy: item.currency }));
    writeAgent(xml, 'CdtrAgt', item.creditorBankCode);
    xml.element('Cdtr', () => xml.leaf('Nm', item.creditorName));
    writeAccount(xml, 'CdtrAcct', item.creditorAccountNumber);
    if (item.remittanceInfo !== undefined) xml.element('RmtInf', () => xml.leaf('Ustrd', item.remittanceInfo));
    xml.end();
  }
  xml.end().end().end();
  return xml.toString();
}

function accountNumberOf(account: XmlNode | undefined): string {
  const id = child(account, 'Id');
  return text(id, 'Othr', 'Id') ?? text(id, 'IBAN') ?? '';
}

function bankCodeOf(agent: XmlNode | undefined): string {
  return text(agent, 'FinInstnId', 'ClrSysMmbId', 'MmbId') ?? '';
}

/**
 * A pain.001 as the bank reads it (the simulator's side). Items come back as written, unchecked:
 * judging a creditor account is the bank's answer (AC01, …), not a reason to refuse the file.
 * The file is refused when it does not validate or does not add up (counts, control sums, one
 * debtor account and currency).
 */
export async function parsePain001(xml: string): Promise<ParseResult<PayoutBatch>> {
  const read = await readValidated(PAIN001_KIND, xml);
  if (!read.ok) return read;
  const initiation = child(read.value, 'CstmrCdtTrfInitn');
  const header = child(initiation, 'GrpHdr');
  const blocks = children(initiation, 'PmtInf');
  const first = blocks[0];
  const currencyText = text(first, 'DbtrAcct', 'Ccy') ?? attribute(child(children(first, 'CdtTrfTxInf')[0], 'Amt'), 'InstdAmt', 'Ccy') ?? '';
  if (!isCurrencyCode(currencyText)) return { ok: false, errors: [`currency ${currencyText} is not supported`] };
  const debtor: PayoutDebtor = {
    name: text(first, 'Dbtr', 'Nm') ?? '',
    bankCode: bankCodeOf(child(first, 'DbtrAgt')),
    accountNumber: accountNumberOf(child(first, 'DbtrAcct')),
    currency: currencyText,
  };
  const errors: string[] = [];
  const createdAt = parseDateTime(text(header, 'CreDtTm') ?? '');
  if (!createdAt) errors.push('GrpHdr/CreDtTm is not a time');
  const items: PayoutItem[] = [];
  let executionDate = '';
  let controlSum = 0n;
  let transactionCount = 0;
  blocks.forEach((block, blockIndex) => {
    const where = `PmtInf[${blockIndex + 1}]`;
    if (accountNumberOf(child(block, 'DbtrAcct')) !== debtor.accountNumber) errors.push(`${where}: every block must debit the same account`);
    const date = parseDate(text(block, 'ReqdExctnDt', 'Dt') ?? text(block, 'ReqdExctnDt', 'DtTm') ?? '');
    if (!date) errors.push(`${where}/ReqdExctnDt is not a date`);
    else if (executionDate === '' || date < executionDate) executionDate = date;
    const transactions = children(block, 'CdtTrfTxInf');
    transactionCount += transactions.length;
    let blockSum = 0n;
    transactions.forEach((tx, txIndex) => {
      const amount = parseItemAmount(tx, debtor.currency);
      if (!amount.ok) {
        errors.push(`${where}/CdtTrfTxInf[${txIndex + 1}]: ${amount.error}`);
        return;
      }
      blockSum += amount.amountMinor;
      items.push(readItem(tx, amount.amountMinor, debtor.currency));
    });
    checkCount(errors, where, text(block, 'NbOfTxs'), transactions.length);
    checkSum(errors, where, text(block, 'CtrlSum'), blockSum, debtor.currency);
    controlSum += blockSum;
  });
  checkCount(errors, 'GrpHdr', text(header, 'NbOfTxs'), transactionCount);
  checkSum(errors, 'GrpHdr', text(header, 'CtrlSum'), controlSum, debtor.currency);
  if (errors.length > 0 || !createdAt) return { ok: false, errors: errors.slice(0, 20) };
  return { ok: true, value: { messageId: text(header, 'MsgId') ?? '', createdAt, requestedExecutionDate: executionDate, debtor, items } };
}

function parseItemAmount(tx: XmlNode, currency: CurrencyCode): { ok: true; amountMinor: bigint } | { ok: false; error: string } {
  const amountText = text(tx, 'Amt', 'InstdAmt');
  if (amountText === undefined) return { ok: false, error: 'only InstdAmt amounts are accepted' };
  const amount = parseMinor(amountText, attribute(child(tx, 'Amt'), 'InstdAmt', 'Ccy') ?? '');
  if (!amount.ok) return amount;
  if (amount.currency !== currency) return { ok: false, error: `currency ${amount.currency} differs from the debtor account's ${currency}` };
  return { ok: true, amountMinor: amount.amountMinor };
}

function readItem(tx: XmlNode, amountMinor: bigint, currency: CurrencyCode): PayoutItem {
  const item: PayoutItem = {
    endToEndId: text(tx, 'PmtId', 'EndToEndId') ?? '',
    amountMinor,
    currency,
    creditorName: text(tx, 'Cdtr', 'Nm') ?? '',
    creditorBankCode: bankCodeOf(child(tx, 'CdtrAgt')),
    creditorAccountNumber: accountNumberOf(child(tx, 'CdtrAcct')),
  };
  const remittance = children(child(tx, 'RmtInf'), 'Ustrd').map((node) => text(node, '#text') ?? '').join(' ');
  if (remittance !== '') item.remittanceInfo = remittance;
  return item;
}

function checkCount(errors: string[], where: string, declared: string | undefined, actual: number): void {
  if (declared !== undefined && declared !== String(actual)) errors.push(`${where}/NbOfTxs says ${declared} but the file holds ${actual}`);
}

function checkSum(errors: string[], where: string, declared: string | undefined, actual: bigint, currency: string): void {
  if (declared === undefined) return;
  const parsed = parseMinor(declared, currency);
  if (!parsed.ok || parsed.amountMinor !== actual) errors.push(`${where}/CtrlSum says ${declared} but the amounts add up to a different sum`);
}
