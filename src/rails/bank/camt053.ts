// camt.053.001.08 Bank to Customer Statement: the bank's end-of-day account of the operator's
// clearing account — opening and closing balance and one entry per booking. Reconciliation
// matches these entries against our settled payouts; a return (money sent back days later)
// arrives here too. We read it (validated first); the bank simulator writes it.
import { isCurrencyCode, type CurrencyCode } from '../../money/index.ts';
import { checkText, cleanText, formatDateTime, formatMinor, isIsoDate, parseDate, parseDateTime, parseMinor, type ParseResult } from './iso-values.ts';
import { KFTC_CLEARING_SYSTEM } from './pain001.ts';
import { describeReason } from './reason-codes.ts';
import { attribute, child, children, readValidated, text, XmlWriter, type XmlNode } from './xml.ts';
import { namespaceOf } from './xsd.ts';

export const CAMT053_KIND = 'camt.053.001.08' as const;

export type EntryKind = 'payout' | 'return' | 'deposit' | 'fee' | 'other';
export type EntryDirection = 'credit' | 'debit';

export interface StatementEntry {
  kind: EntryKind;
  direction: EntryDirection;
  /** Whole minor units, positive; the direction says which way. */
  amountMinor: bigint;
  currency: CurrencyCode;
  /** BOOK entries move the balance; PDNG and INFO entries are for information. */
  status: 'booked' | 'pending' | 'info';
  bookingDate: string;
  valueDate?: string;
  /** The bank's reference for the booking (AcctSvcrRef). */
  bankReference?: string;
  /** Our cash-out id, for payouts and their returns. */
  endToEndId?: string;
  /** Our pain.001 MsgId (batch id) the payout came from. */
  messageId?: string;
  counterpartyName?: string;
  returnReason?: { code: string; text: string };
  /** The bank marked the entry as reversing an earlier one (RvslInd). */
  reversal: boolean;
  /** "PMNT/ICDT/DMCT", or the proprietary code when the bank uses its own. */
  bankTransactionCode: string;
}

export interface StatementBalance {
  /** Signed: a debit (overdrawn) balance is negative. */
  amountMinor: bigint;
  date: string;
}

export interface BankStatement {
  statementId: string;
  sequenceNumber?: bigint;
  /** A copy or duplicate of a statement already sent (CpyDplctInd). */
  copy: boolean;
  account: { accountNumber: string; currency: CurrencyCode; bankCode?: string };
  period?: { from: Date; to: Date };
  openingBalance: StatementBalance;
  closingBalance: StatementBalance;
  entries: StatementEntry[];
}

export interface StatementMessage {
  messageId: string;
  createdAt: Date;
  statements: BankStatement[];
}

/** The ISO bank transaction code we write for each kind, and the direction it always has. */
const KIND_CODES = {
  payout: { code: 'PMNT/ICDT/DMCT', direction: 'debit' },
  return: { code: 'PMNT/ICDT/RRTN', direction: 'credit' },
  deposit: { code: 'PMNT/RCDT/DMCT', direction: 'credit' },
  fee: { code: 'ACMT/MDOP/CHRG', direction: 'debit' },
} as const satisfies Record<Exclude<EntryKind, 'other'>, { code: string; direction: EntryDirection }>;

/** What an entry is, from its bank transaction code, direction and return information. */
function kindOf(code: string, direction: EntryDirection, reversal: boolean, hasReturnInfo: boolean): EntryKind {
  const [domain, family, subFamily] = code.split('/');
  if (subFamily === 'CHRG' && direction === 'debit') return 'fee';
  if (domain !== 'PMNT') return 'other';
  if (family === 'ICDT') {
    if (direction === 'debit') return reversal ? 'other' : 'payout';
    // Money coming back on an issued transfer: a return (RRTN), or a reversal with its reason.
    return subFamily === 'RRTN' || hasReturnInfo || reversal ? 'return' : 'other';
  }
  if (family === 'RCDT' && direction === 'credit' && !reversal) return 'deposit';
  return 'other';
}

// ——— reading ———

export async function parseCamt053(xml: string): Promise<ParseResult<StatementMessage>> {
  const read = await readValidated(CAMT053_KIND, xml);
  if (!read.ok) return read;
  const message = child(read.value, 'BkToCstmrStmt');
  const header = child(message, 'GrpHdr');
  const errors: string[] = [];
  const createdAt = parseDateTime(text(header, 'CreDtTm') ?? '');
  if (!createdAt) errors.push('GrpHdr/CreDtTm is not a time');
  const statements: BankStatement[] = [];
  for (const [index, node] of children(message, 'Stmt').entries()) {
    const statement = readStatement(node, `Stmt[${index + 1}]`, errors);
    if (statement) statements.push(statement);
  }
  if (errors.length > 0 || !createdAt) return { ok: false, errors: errors.slice(0, 20) };
  return { ok: true, value: { messageId: text(header, 'MsgId') ?? '', createdAt, statements } };
}

function signedAmount(node: XmlNode | undefined, currency: CurrencyCode, where: string, errors: string[]): bigint | null {
  const amount = parseMinor(text(node, 'Amt') ?? '', attribute(node, 'Amt', 'Ccy') ?? '');
  if (!amount.ok) {
    errors.push(`${where}: ${amount.error}`);
    return null;
  }
  if (amount.currency !== currency) {
    errors.push(`${where}: currency ${amount.currency} differs from the account's ${currency}`);
    return null;
  }
  return text(node, 'CdtDbtInd') === 'DBIT' ? -amount.amountMinor : amount.amountMinor;
}

function readBalance(node: XmlNode, codes: readonly string[], currency: CurrencyCode, where: string, errors: string[]): StatementBalance | null {
  const balance = children(node, 'Bal').find((bal) => codes.includes(text(bal, 'Tp', 'CdOrPrtry', 'Cd') ?? ''));
  if (!balance) {
    errors.push(`${where} has no ${codes.join(' or ')} balance`);
    return null;
  }
  const amountMinor = signedAmount(balance, currency, `${where}/Bal ${codes[0]}`, errors);
  const date = parseDate(text(balance, 'Dt', 'Dt') ?? text(balance, 'Dt', 'DtTm') ?? '');
  if (!date) errors.push(`${where}/Bal ${codes[0]} has no date`);
  return amountMinor === null || !date ? null : { amountMinor, date };
}

function readStatement(node: XmlNode, where: string, errors: string[]): BankStatement | null {
  const account = child(node, 'Acct');
  const currencyText = text(account, 'Ccy') ?? attribute(children(node, 'Bal')[0], 'Amt', 'Ccy') ?? '';
  if (!isCurrencyCode(currencyText)) {
    errors.push(`${where}: currency ${currencyText} is not supported`);
    return null;
  }
  const currency = currencyText;
  const opening = readBalance(node, ['OPBD', 'PRCD'], currency, where, errors);
  const closing = readBalance(node, ['CLBD'], currency, where, errors);
  const entries: StatementEntry[] = [];
  let movement = 0n;
  for (const [index, entryNode] of children(node, 'Ntry').entries()) {
    const read = readEntry(entryNode, currency, `${where}/Ntry[${index + 1}]`, errors);
    entries.push(...read.entries);
    movement += read.movement;
  }
  if (opening && closing && opening.amountMinor + movement !== closing.amountMinor) {
    errors.push(`${where}: opening balance ${opening.amountMinor} and the booked entries (${movement}) do not add up to the closing balance ${closing.amountMinor}`);
  }
  if (!opening || !closing) return null;
  const statement: BankStatement = {
    statementId: text(node, 'Id') ?? '',
    copy: text(node, 'CpyDplctInd') !== undefined,
    account: { accountNumber: text(child(account, 'Id'), 'Othr', 'Id') ?? text(child(account, 'Id'), 'IBAN') ?? '', currency },
    openingBalance: opening,
    closingBalance: closing,
    entries,
  };
  const sequence = text(node, 'ElctrncSeqNb');
  if (sequence !== undefined && /^[0-9]+$/.test(sequence)) statement.sequenceNumber = BigInt(sequence);
  const bankCode = text(account, 'Svcr', 'FinInstnId', 'ClrSysMmbId', 'MmbId');
  if (bankCode) statement.account.bankCode = bankCode;
  const from = parseDateTime(text(node, 'FrToDt', 'FrDtTm') ?? '');
  const to = parseDateTime(text(node, 'FrToDt', 'ToDtTm') ?? '');
  if (from && to) statement.period = { from, to };
  return statement;
}

function bankTransactionCode(node: XmlNode | undefined): string {
  const domain = child(node, 'Domn');
  if (domain) return [text(domain, 'Cd'), text(domain, 'Fmly', 'Cd'), text(domain, 'Fmly', 'SubFmlyCd')].join('/');
  return text(node, 'Prtry', 'Cd') ?? '';
}

const ENTRY_STATUS = { BOOK: 'booked', PDNG: 'pending', INFO: 'info' } as const;

/**
 * One entry, or several when the bank booked a batch as one entry with a line per transaction.
 * `movement` is the entry's signed effect on the balance (booked entries only).
 */
function readEntry(node: XmlNode, currency: CurrencyCode, where: string, errors: string[]): { entries: StatementEntry[]; movement: bigint } {
  const signed = signedAmount(node, currency, where, errors);
  const statusCode = text(node, 'Sts', 'Cd') ?? text(node, 'Sts', 'Prtry') ?? '';
  const status = (ENTRY_STATUS as Record<string, StatementEntry['status']>)[statusCode];
  const bookingDate = parseDate(text(node, 'BookgDt', 'Dt') ?? text(node, 'BookgDt', 'DtTm') ?? '');
  if (!status) errors.push(`${where}: entry status ${statusCode} is not one we know`);
  if (!bookingDate) errors.push(`${where} has no booking date`);
  if (signed === null || !status || !bookingDate) return { entries: [], movement: 0n };
  const direction: EntryDirection = signed < 0n ? 'debit' : 'credit';
  const reversal = text(node, 'RvslInd') === 'true';
  const code = bankTransactionCode(child(node, 'BkTxCd'));
  const base = { direction, currency, status, bookingDate, reversal, bankTransactionCode: code };
  const valueDate = parseDate(text(node, 'ValDt', 'Dt') ?? text(node, 'ValDt', 'DtTm') ?? '');
  const entryReference = text(node, 'AcctSvcrRef');
  const details = children(node, 'NtryDtls').flatMap((d) => children(d, 'TxDtls'));
  const amountMinor = signed < 0n ? -signed : signed;
  const entries: StatementEntry[] = [];
  let detailSum = 0n;
  for (const [index, tx] of (details.length > 0 ? details : [undefined]).entries()) {
    let lineAmount = amountMinor;
    if (tx && child(tx, 'Amt')) {
      const parsed = parseMinor(text(tx, 'Amt') ?? '', attribute(tx, 'Amt', 'Ccy') ?? '');
      if (!parsed.ok) errors.push(`${where}/TxDtls[${index + 1}]: ${parsed.error}`);
      else lineAmount = parsed.amountMinor;
    } else if (details.length > 1) {
      errors.push(`${where}/TxDtls[${index + 1}] has no amount, and the entry has ${details.length} transactions`);
    }
    detailSum += lineAmount;
    const returnCode = text(tx, 'RtrInf', 'Rsn', 'Cd') ?? text(tx, 'RtrInf', 'Rsn', 'Prtry');
    const entry: StatementEntry = { ...base, kind: kindOf(code, direction, reversal, returnCode !== undefined), amountMinor: lineAmount };
    if (valueDate) entry.valueDate = valueDate;
    const reference = text(tx, 'Refs', 'AcctSvcrRef') ?? entryReference;
    if (reference) entry.bankReference = reference;
    const endToEndId = text(tx, 'Refs', 'EndToEndId');
    if (endToEndId && endToEndId !== 'NOTPROVIDED') entry.endToEndId = endToEndId;
    const messageId = text(tx, 'Refs', 'MsgId');
    if (messageId) entry.messageId = messageId;
    const counterparty = direction === 'debit' ? text(tx, 'RltdPties', 'Cdtr', 'Pty', 'Nm') : text(tx, 'RltdPties', 'Dbtr', 'Pty', 'Nm');
    if (counterparty) entry.counterpartyName = counterparty;
    if (returnCode !== undefined) {
      const words = children(child(tx, 'RtrInf'), 'AddtlInf').map((n) => text(n, '#text') ?? '').join(' ').trim();
      entry.returnReason = { code: returnCode, text: words || describeReason(returnCode, 'en') };
    }
    entries.push(entry);
  }
  if (details.length > 1 && detailSum !== amountMinor) errors.push(`${where}: its transactions add up to ${detailSum}, not the entry amount ${amountMinor}`);
  return { entries, movement: status === 'booked' ? signed : 0n };
}

// ——— the bank's side: writing a statement (used by the simulator) ———

export interface StatementEntryInput {
  kind: Exclude<EntryKind, 'other'>;
  amountMinor: bigint;
  bookingDate: string;
  valueDate?: string;
  bankReference: string;
  endToEndId?: string;
  messageId?: string;
  counterpartyName?: string;
  returnReason?: { code: string; text?: string };
}

export interface StatementInput {
  messageId: string;
  createdAt: Date;
  statementId: string;
  sequenceNumber?: bigint;
  copy?: boolean;
  period?: { from: Date; to: Date };
  account: { name?: string; bankCode: string; accountNumber: string; currency: CurrencyCode };
  openingBalance: StatementBalance;
  closingDate: string;
  entries: readonly StatementEntryInput[];
}

function signedOf(entry: StatementEntryInput): bigint {
  return KIND_CODES[entry.kind].direction === 'debit' ? -entry.amountMinor : entry.amountMinor;
}

/** The closing balance the statement will show. */
export function closingBalanceOf(input: Pick<StatementInput, 'openingBalance' | 'entries'>): bigint {
  return input.entries.reduce((balance, entry) => balance + signedOf(entry), input.openingBalance.amountMinor);
}

function writeBalance(xml: XmlWriter, code: string, amountMinor: bigint, date: string, currency: CurrencyCode): void {
  xml.element('Bal', () => {
    xml.element('Tp', () => xml.element('CdOrPrtry', () => xml.leaf('Cd', code)));
    xml.leaf('Amt', formatMinor(amountMinor < 0n ? -amountMinor : amountMinor, currency), { Ccy: currency });
    xml.leaf('CdtDbtInd', amountMinor < 0n ? 'DBIT' : 'CRDT');
    xml.element('Dt', () => xml.leaf('Dt', date));
  });
}

export function buildCamt053(input: StatementInput): string {
  const { account } = input;
  const currency = account.currency;
  for (const entry of input.entries) {
    if (entry.amountMinor <= 0n) throw new RangeError('statement entries carry positive amounts');
    if (!isIsoDate(entry.bookingDate)) throw new RangeError(`booking date ${entry.bookingDate} is not a date`);
  }
  const closing = closingBalanceOf(input);
  const credits = input.entries.filter((e) => KIND_CODES[e.kind].direction === 'credit');
  const debits = input.entries.filter((e) => KIND_CODES[e.kind].direction === 'debit');
  const total = (list: readonly StatementEntryInput[]) => list.reduce((sum, e) => sum + e.amountMinor, 0n);
  const net = closing - input.openingBalance.amountMinor;
  const xml = new XmlWriter();
  xml.start('Document', { xmlns: namespaceOf(CAMT053_KIND) }).start('BkToCstmrStmt');
  xml.element('GrpHdr', () => xml.leaf('MsgId', input.messageId).leaf('CreDtTm', formatDateTime(input.createdAt)));
  xml.start('Stmt');
  xml.leaf('Id', input.statementId);
  xml.leaf('ElctrncSeqNb', input.sequenceNumber?.toString());
  xml.leaf('CreDtTm', formatDateTime(input.createdAt));
  if (input.period) {
    const { from, to } = input.period;
    xml.element('FrToDt', () => xml.leaf('FrDtTm', formatDateTime(from)).leaf('ToDtTm', formatDateTime(to)));
  }
  if (input.copy) xml.leaf('CpyDplctInd', 'DUPL');
  xml.element('Acct', () => {
    xml.element('Id', () => xml.element('Othr', () => xml.leaf('Id', account.accountNumber)));
    xml.leaf('Ccy', currency);
    const owner = account.name === undefined ? undefined : checkText(account.name, 140);
    if (owner?.ok) xml.element('Ownr', () => xml.leaf('Nm', owner.text));
    xml.element('Svcr', () => xml.element('FinInstnId', () => xml.element('ClrSysMmbId', () => {
      xml.element('ClrSysId', () => xml.leaf('Prtry', KFTC_CLEARING_SYSTEM));
      xml.leaf('MmbId', account.bankCode);
    })));
  });
  writeBalance(xml, 'OPBD', input.openingBalance.amountMinor, input.openingBalance.date, currency);
  writeBalance(xml, 'CLBD', closing, input.closingDate, currency);
  xml.element('TxsSummry', () => {
    xml.element('TtlNtries', () => {
      xml.leaf('NbOfNtries', String(input.entries.length)).leaf('Sum', formatMinor(total(input.entries), currency));
      xml.element('TtlNetNtry', () => xml.leaf('Amt', formatMinor(net < 0n ? -net : net, currency)).leaf('CdtDbtInd', net < 0n ? 'DBIT' : 'CRDT'));
    });
    xml.element('TtlCdtNtries', () => xml.leaf('NbOfNtries', String(credits.length)).leaf('Sum', formatMinor(total(credits), currency)));
    xml.element('TtlDbtNtries', () => xml.leaf('NbOfNtries', String(debits.length)).leaf('Sum', formatMinor(total(debits), currency)));
  });
  for (const entry of input.entries) writeEntry(xml, entry, currency);
  xml.end().end().end();
  return xml.toString();
}

function writeEntry(xml: XmlWriter, entry: StatementEntryInput, currency: CurrencyCode): void {
  const { code, direction } = KIND_CODES[entry.kind];
  const [domain, family, subFamily] = code.split('/');
  const indicator = direction === 'debit' ? 'DBIT' : 'CRDT';
  const amount = formatMinor(entry.amountMinor, currency);
  xml.start('Ntry');
  xml.leaf('Amt', amount, { Ccy: currency }).leaf('CdtDbtInd', indicator);
  xml.element('Sts', () => xml.leaf('Cd', 'BOOK'));
  xml.element('BookgDt', () => xml.leaf('Dt', entry.bookingDate));
  xml.element('ValDt', () => xml.leaf('Dt', entry.valueDate ?? entry.bookingDate));
  xml.leaf('AcctSvcrRef', entry.bankReference);
  xml.element('BkTxCd', () => xml.element('Domn', () => {
    xml.leaf('Cd', domain);
    xml.element('Fmly', () => xml.leaf('Cd', family).leaf('SubFmlyCd', subFamily));
  }));
  xml.element('NtryDtls', () => xml.element('TxDtls', () => {
    xml.element('Refs', () => {
      xml.leaf('MsgId', entry.messageId).leaf('AcctSvcrRef', entry.bankReference).leaf('PmtInfId', entry.messageId).leaf('EndToEndId', entry.endToEndId);
    });
    xml.leaf('Amt', amount, { Ccy: currency }).leaf('CdtDbtInd', indicator);
    const name = entry.counterpartyName === undefined ? undefined : checkText(entry.counterpartyName, 140);
    if (name?.ok) {
      xml.element('RltdPties', () => xml.element(direction === 'debit' ? 'Cdtr' : 'Dbtr', () => xml.element('Pty', () => xml.leaf('Nm', name.text))));
    }
    if (entry.returnReason) {
      const { code: reasonCode, text: words } = entry.returnReason;
      xml.element('RtrInf', () => {
        xml.element('Rsn', () => xml.leaf('Cd', reasonCode));
        const cleaned = cleanText(words ?? describeReason(reasonCode, 'en'));
        if (cleaned) xml.leaf('AddtlInf', [...cleaned].slice(0, 105).join(''));
      });
    }
  }));
  xml.end();
}
