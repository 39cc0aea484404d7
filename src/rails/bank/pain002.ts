// pain.002.001.11 Customer Payment Status Report: the bank's answer to a pain.001, for the whole
// file and per payout. We read it (validated first); the bank simulator writes it.
import { isCurrencyCode, type CurrencyCode } from '../../money/index.ts';
import { cleanText, formatDateTime, formatMinor, isIsoReference, parseDateTime, parseMinor, type ParseResult } from './iso-values.ts';
import { describeReason, type ReasonCode } from './reason-codes.ts';
import { attribute, child, children, readValidated, text, XmlWriter, type XmlNode } from './xml.ts';
import { namespaceOf } from './xsd.ts';

export const PAIN002_KIND = 'pain.002.001.11' as const;

export type ItemState = 'accepted' | 'rejected' | 'pending';
export type GroupState = 'accepted' | 'rejected' | 'partially_accepted' | 'pending';

/**
 * ISO transaction statuses and what they mean for a payout. "Accepted" is the bank's promise to
 * pay (ACSP: settlement in process; ACSC/ACCC: done); ACTC only says the file was readable, so
 * it is still pending. CANC means the bank will not pay: for us that is a rejection.
 */
const TRANSACTION_STATES: Readonly<Record<string, ItemState>> = {
  ACCC: 'accepted', ACCP: 'accepted', ACSC: 'accepted', ACSP: 'accepted', ACWC: 'accepted', ACFC: 'accepted',
  ACTC: 'pending', ACWP: 'pending', ACIS: 'pending', BLCK: 'pending', PATC: 'pending', PDNG: 'pending', PRES: 'pending', RCVD: 'pending',
  RJCT: 'rejected', CANC: 'rejected',
};

const GROUP_STATES: Readonly<Record<string, GroupState>> = {
  ...TRANSACTION_STATES,
  PART: 'partially_accepted',
};

export interface StatusReason {
  code: ReasonCode;
  text: string;
}

export interface ItemStatus {
  endToEndId: string;
  status: ItemState;
  /** The ISO status as sent (ACSP, RJCT, PDNG, …). */
  statusCode: string;
  reasonCode?: ReasonCode;
  /** The bank's words when it gave some, else what the reason code means. */
  reasonText?: string;
  /** The bank's own reference for the payment (AcctSvcrRef): it reappears on the statement. */
  bankReference?: string;
  acceptedAt?: Date;
  /** The amount the bank read, when the report repeats it. */
  amountMinor?: bigint;
  currency?: CurrencyCode;
}

export interface StatusReport {
  messageId: string;
  createdAt: Date;
  /** Our pain.001 MsgId (the batch id). */
  originalMessageId: string;
  groupStatus: GroupState | null;
  groupStatusCode: string | null;
  /** Why the whole file was refused (FF01, DU01, AM04, …), when it was. */
  groupReason?: StatusReason;
  /**
   * Per-payout statuses. A report that rejects the whole file usually lists none: every item of
   * the original file then shares the group status.
   */
  items: ItemStatus[];
}

function readReason(node: XmlNode | undefined): StatusReason | undefined {
  const info = children(node, 'StsRsnInf')[0];
  if (!info) return undefined;
  const code = text(info, 'Rsn', 'Cd') ?? text(info, 'Rsn', 'Prtry') ?? 'NARR';
  const words = children(info, 'AddtlInf').map((n) => text(n, '#text') ?? '').join(' ').trim();
  return { code, text: words || describeReason(code, 'en') };
}

export async function parsePain002(xml: string): Promise<ParseResult<StatusReport>> {
  const read = await readValidated(PAIN002_KIND, xml);
  if (!read.ok) return read;
  const report = child(read.value, 'CstmrPmtStsRpt');
  const header = child(report, 'GrpHdr');
  const original = child(report, 'OrgnlGrpInfAndSts');
  const errors: string[] = [];
  const createdAt = parseDateTime(text(header, 'CreDtTm') ?? '');
  if (!createdAt) errors.push('GrpHdr/CreDtTm is not a time');
  const originalName = text(original, 'OrgnlMsgNmId') ?? '';
  if (!originalName.startsWith('pain.001')) errors.push(`the report answers a ${originalName}, not a pain.001 payment initiation`);
  const groupStatusCode = text(original, 'GrpSts') ?? null;
  const groupStatus = groupStatusCode === null ? null : (GROUP_STATES[groupStatusCode] ?? null);
  if (groupStatusCode !== null && groupStatus === null) errors.push(`group status ${groupStatusCode} is not one we know`);
  const items: ItemStatus[] = [];
  for (const [blockIndex, block] of children(report, 'OrgnlPmtInfAndSts').entries()) {
    // A status left out at one level is the status of the level above (ISO 20022 usage rule).
    const blockStatus = text(block, 'PmtInfSts') ?? groupStatusCode;
    const blockReason = readReason(block) ?? readReason(original);
    for (const [txIndex, tx] of children(block, 'TxInfAndSts').entries()) {
      const where = `OrgnlPmtInfAndSts[${blockIndex + 1}]/TxInfAndSts[${txIndex + 1}]`;
      const item = readItem(tx, blockStatus, blockReason, where, errors);
      if (item) items.push(item);
    }
  }
  if (errors.length > 0 || !createdAt) return { ok: false, errors: errors.slice(0, 20) };
  const value: StatusReport = {
    messageId: text(header, 'MsgId') ?? '',
    createdAt,
    originalMessageId: text(original, 'OrgnlMsgId') ?? '',
    groupStatus,
    groupStatusCode,
    items,
  };
  const groupReason = readReason(original);
  if (groupReason) value.groupReason = groupReason;
  return { ok: true, value };
}

function readItem(tx: XmlNode, blockStatus: string | null, blockReason: StatusReason | undefined, where: string, errors: string[]): ItemStatus | null {
  const endToEndId = text(tx, 'OrgnlEndToEndId');
  const statusCode = text(tx, 'TxSts') ?? blockStatus;
  const status = statusCode === null ? undefined : TRANSACTION_STATES[statusCode];
  if (!endToEndId) errors.push(`${where} has no OrgnlEndToEndId: it cannot be matched to a payout`);
  if (statusCode === null) errors.push(`${where} has no status at any level`);
  else if (!status) errors.push(`${where}: status ${statusCode} is not one we know`);
  if (!endToEndId || !statusCode || !status) return null;
  const item: ItemStatus = { endToEndId, status, statusCode };
  const reason = readReason(tx) ?? (status === 'rejected' ? blockReason : undefined);
  if (reason) {
    item.reasonCode = reason.code;
    item.reasonText = reason.text;
  } else if (status === 'rejected') {
    item.reasonText = 'Rejected by the bank without a reason.';
  }
  const bankReference = text(tx, 'AcctSvcrRef');
  if (bankReference) item.bankReference = bankReference;
  const acceptedAt = parseDateTime(text(tx, 'AccptncDtTm') ?? '');
  if (acceptedAt) item.acceptedAt = acceptedAt;
  const amountText = text(tx, 'OrgnlTxRef', 'Amt', 'InstdAmt');
  if (amountText !== undefined) {
    const amount = parseMinor(amountText, attribute(child(child(tx, 'OrgnlTxRef'), 'Amt'), 'InstdAmt', 'Ccy') ?? '');
    if (!amount.ok) errors.push(`${where}: ${amount.error}`);
    else {
      item.amountMinor = amount.amountMinor;
      item.currency = amount.currency;
    }
  }
  return item;
}

// ——— the bank's side: writing a report (used by the simulator) ———

export interface StatusReportItemInput {
  endToEndId: string;
  /** ISO transaction status: ACSP, ACSC, RJCT, PDNG, … */
  statusCode: string;
  reasonCode?: string;
  reasonText?: string;
  bankReference?: string;
  acceptedAt?: Date;
  amountMinor?: bigint;
  currency?: CurrencyCode;
}

export interface StatusReportInput {
  messageId: string;
  createdAt: Date;
  originalMessageId: string;
  originalCreatedAt?: Date;
  originalCount?: number;
  originalControlSum?: { amountMinor: bigint; currency: CurrencyCode };
  /** ISO group status: ACCP, PART, RJCT, PDNG, … */
  groupStatusCode?: string;
  groupReason?: { code: string; text?: string };
  items: readonly StatusReportItemInput[];
}

const ADDTL_INF_CHARS_MAX = 105;

function reasonWords(textIn: string | undefined): string | undefined {
  if (textIn === undefined) return undefined;
  const cleaned = cleanText(textIn);
  return cleaned === '' ? undefined : [...cleaned].slice(0, ADDTL_INF_CHARS_MAX).join('');
}

function writeReason(xml: XmlWriter, reason: { code: string; text?: string } | undefined): void {
  if (!reason) return;
  xml.element('StsRsnInf', () => {
    xml.element('Rsn', () => xml.leaf('Cd', reason.code));
    xml.leaf('AddtlInf', reasonWords(reason.text));
  });
}

function countsPerStatus(items: readonly StatusReportItemInput[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.statusCode, (counts.get(item.statusCode) ?? 0) + 1);
  return counts;
}

export function buildPain002(report: StatusReportInput): string {
  if (!isIsoReference(report.messageId)) throw new Error(`pain.002 message id "${report.messageId}" is not a valid reference`);
  const xml = new XmlWriter();
  xml.start('Document', { xmlns: namespaceOf(PAIN002_KIND) }).start('CstmrPmtStsRpt');
  xml.element('GrpHdr', () => xml.leaf('MsgId', report.messageId).leaf('CreDtTm', formatDateTime(report.createdAt)));
  xml.element('OrgnlGrpInfAndSts', () => {
    xml.leaf('OrgnlMsgId', report.originalMessageId).leaf('OrgnlMsgNmId', 'pain.001.001.10');
    xml.leaf('OrgnlCreDtTm', report.originalCreatedAt && formatDateTime(report.originalCreatedAt));
    xml.leaf('OrgnlNbOfTxs', report.originalCount === undefined ? undefined : String(report.originalCount));
    const sum = report.originalControlSum;
    xml.leaf('OrgnlCtrlSum', sum && formatMinor(sum.amountMinor, sum.currency));
    xml.leaf('GrpSts', report.groupStatusCode);
    writeReason(xml, report.groupReason);
    for (const [status, count] of countsPerStatus(report.items)) {
      xml.element('NbOfTxsPerSts', () => xml.leaf('DtldNbOfTxs', String(count)).leaf('DtldSts', status));
    }
  });
  if (report.items.length > 0) {
    xml.element('OrgnlPmtInfAndSts', () => {
      xml.leaf('OrgnlPmtInfId', report.originalMessageId);
      for (const item of report.items) writeItem(xml, item);
    });
  }
  xml.end().end();
  return xml.toString();
}

function writeItem(xml: XmlWriter, item: StatusReportItemInput): void {
  xml.element('TxInfAndSts', () => {
    xml.leaf('OrgnlEndToEndId', item.endToEndId).leaf('TxSts', item.statusCode);
    writeReason(xml, item.reasonCode === undefined ? undefined : { code: item.reasonCode, text: item.reasonText ?? describeReason(item.reasonCode, 'en') });
    xml.leaf('AccptncDtTm', item.acceptedAt && formatDateTime(item.acceptedAt));
    xml.leaf('AcctSvcrRef', item.bankReference);
    if (item.amountMinor !== undefined && item.currency !== undefined && isCurrencyCode(item.currency)) {
      const { amountMinor, currency } = item;
      xml.element('OrgnlTxRef', () => xml.element('Amt', () => xml.leaf('InstdAmt', formatMinor(amountMinor, currency), { Ccy: currency })));
    }
  });
}
