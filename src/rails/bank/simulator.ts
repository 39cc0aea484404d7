// A file-based bank for `npm start` and the tests: it takes the pain.001 files we put in
// <dataDir>/bank/outgoing/, checks them the way a bank does (schema, sums, debtor account,
// duplicate message ids), decides each payout (bad account → AC01, closed → AC04, random
// rejections at a configured rate, insufficient funds at the bank → AM04), books what it pays,
// and answers with a pain.002 in incoming/ after a configurable latency. At the end of a business
// day it writes a camt.053 statement, and days later it may send a payout back (a return).
//
// It misbehaves on request, deterministically for a given seed: duplicate answers, answers out of
// order (a stale "pending" after the final status), answers that never come (the payment is
// still made: only the statement tells), answers that do not validate, files it loses.
//
// Drive it step by step (processOutgoing, flushAnswers, writeStatement) or start() its timer.
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { buildCamt053, closingBalanceOf, type StatementEntryInput } from './camt053.ts';
import { bankDirectories, fileSafe, listFiles, moveFileInto, readBankFile, writeFileAtomic } from './files.ts';
import { addDays, isIsoDate, localDate } from './iso-values.ts';
import { checkKoreanBankAccount, normalizeAccountNumber } from './korean-banks.ts';
import { parsePain001, type PayoutBatch, type PayoutDebtor } from './pain001.ts';
import { buildPain002, type StatusReportItemInput } from './pain002.ts';
import { describeReason } from './reason-codes.ts';
import {
  loadState, pickWeighted, randomStream, RECEIVED_IDS_MAX, saveState,
  type AnswerLine, type BookedEntry, type ScheduledAnswer, type SimulatorState,
} from './simulator-state.ts';

export type SimulatedRejection = 'AC01' | 'AC04' | 'AC06' | 'AG01' | 'AM04' | 'BE01' | 'MS03';
export type SimulatedReturn = 'AC04' | 'AC06' | 'MD07' | 'MS02';

export interface BankSimulatorOptions {
  dataDir: string;
  clock: Clock;
  /** The operator's account at this bank: files debiting any other account are refused (AC02). */
  account: PayoutDebtor;
  /** Balance of that account when the simulator first starts (whole won). */
  openingBalanceMinor?: bigint;
  seed?: number;
  /** Time from taking a file to answering it. */
  latency_ms?: number;
  /** Share of payouts refused at random, 0–1, with reasons drawn by weight. */
  rejectionRate?: number;
  rejectionReasons?: Partial<Record<SimulatedRejection, number>>;
  /** Account numbers that always answer AC04 (closed), hyphens allowed. */
  closedAccounts?: readonly string[];
  /** Share of payouts first answered "pending" (PDNG), with the final status in a later report. */
  pendingRate?: number;
  /** Share of answers sent twice. */
  duplicateRate?: number;
  /** Share of answers never sent although the payouts are made (the statement still shows them). */
  missingAnswerRate?: number;
  /** Share of answers that do not validate. */
  invalidAnswerRate?: number;
  /** Share of files lost whole: no answer, no payment. */
  lostFileRate?: number;
  /** Write answers due together newest first, and a final status before the stale "pending". */
  outOfOrder?: boolean;
  /** Share of paid payouts sent back later, after returnAfterDays calendar days. */
  returnRate?: number;
  returnAfterDays?: number;
  timeZone?: string;
  /** Local "HH:MM" after which the running simulator writes the day's statement (weekdays); null: never by itself. */
  statementAtLocal?: string | null;
  poll_ms?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface ProcessedFile {
  name: string;
  messageId: string | null;
  outcome: 'answered' | 'file_rejected' | 'lost';
  accepted: number;
  rejected: number;
}

const DEFAULT_REJECTIONS: Record<SimulatedRejection, number> = { AC01: 4, AC04: 3, AC06: 1, AG01: 1, AM04: 1, BE01: 2, MS03: 1 };
const RETURN_REASONS: readonly SimulatedReturn[] = ['AC04', 'AC06', 'MD07', 'MS02'];

function checkRate(name: string, value: number | undefined): number {
  const rate = value ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`bank simulator: ${name} must be between 0 and 1`);
  return rate;
}

export class BankSimulator {
  private readonly options: Required<Omit<BankSimulatorOptions, 'logger' | 'rejectionReasons' | 'closedAccounts' | 'statementAtLocal'>> & {
    statementAtLocal: string | null;
  };
  private readonly reasons: Record<string, number>;
  private readonly closed: Set<string>;
  private readonly simulatorDir: string;
  private state: SimulatorState | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly config: BankSimulatorOptions) {
    this.options = {
      dataDir: config.dataDir,
      clock: config.clock,
      account: config.account,
      openingBalanceMinor: config.openingBalanceMinor ?? 1_000_000_000n,
      seed: config.seed ?? 1,
      latency_ms: config.latency_ms ?? 2_000,
      rejectionRate: checkRate('rejectionRate', config.rejectionRate ?? 0.02),
      pendingRate: checkRate('pendingRate', config.pendingRate),
      duplicateRate: checkRate('duplicateRate', config.duplicateRate),
      missingAnswerRate: checkRate('missingAnswerRate', config.missingAnswerRate),
      invalidAnswerRate: checkRate('invalidAnswerRate', config.invalidAnswerRate),
      lostFileRate: checkRate('lostFileRate', config.lostFileRate),
      outOfOrder: config.outOfOrder ?? false,
      returnRate: checkRate('returnRate', config.returnRate),
      returnAfterDays: config.returnAfterDays ?? 3,
      timeZone: config.timeZone ?? 'Asia/Seoul',
      statementAtLocal: config.statementAtLocal === undefined ? '18:00' : config.statementAtLocal,
      poll_ms: config.poll_ms ?? 1_000,
    };
    this.reasons = { ...DEFAULT_REJECTIONS, ...config.rejectionReasons };
    this.closed = new Set((config.closedAccounts ?? []).map((account) => normalizeAccountNumber(account) ?? account));
    this.simulatorDir = join(bankDirectories(config.dataDir).root, 'simulator');
  }

  // ——— running by itself ———

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // A slow step (a 100,000-item file) is not overlapped by the next tick.
      if (this.ticking) return;
      this.ticking = this.step()
        .catch((error: unknown) => this.config.logger?.error({ err: error }, 'bank simulator step failed'))
        .finally(() => {
          this.ticking = null;
        });
    }, this.options.poll_ms);
    this.timer.unref();
  }

  /** Stop the timer and wait for the step in progress, so that nothing writes after this. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.queue.catch(() => undefined);
  }

  /** Everything a tick does: take files, write due answers, book due returns, maybe the statement. */
  async step(): Promise<void> {
    await this.processOutgoing();
    await this.flushAnswers();
    await this.bookDueReturns();
    const at = this.options.statementAtLocal;
    if (at === null) return;
    const now = this.options.clock.now();
    const today = this.today();
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: this.options.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
    const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
    const state = await this.load();
    if (time >= at && weekday !== 0 && weekday !== 6 && (state.statement.lastDate ?? '') < today) await this.writeStatement(today);
  }

  // ——— the steps ———

  /** Take every complete file from outgoing/, check it, decide its payouts and schedule the answer. */
  processOutgoing(): Promise<ProcessedFile[]> {
    return this.exclusive(async () => {
      const outgoing = bankDirectories(this.options.dataDir).outgoing;
      const processed: ProcessedFile[] = [];
      for (const name of await listFiles(outgoing)) {
        const read = await readBankFile(join(outgoing, name));
        await moveFileInto(join(outgoing, name), join(this.simulatorDir, 'received'), name);
        processed.push(await this.receive(name, read.ok ? read.value : ''));
        await this.save();
      }
      return processed;
    });
  }

  /** Write every answer whose time has come; returns the file names written. */
  flushAnswers(): Promise<string[]> {
    return this.exclusive(async () => {
      const state = await this.load();
      const now = this.options.clock.now().getTime();
      const due = state.scheduled.filter((answer) => Date.parse(answer.dueAt) <= now);
      due.sort((a, b) => (this.options.outOfOrder ? b.order - a.order : a.order - b.order));
      const written: string[] = [];
      for (const answer of due) written.push(...(await this.writeAnswer(answer)));
      state.scheduled = state.scheduled.filter((answer) => !due.includes(answer));
      await this.save();
      return written;
    });
  }

  /** Book the returns due by `upTo` (default today), each on its due date. */
  bookDueReturns(upTo?: string): Promise<number> {
    return this.exclusive(async () => {
      const state = await this.load();
      const limit = upTo ?? this.today();
      const due = state.returns.filter((r) => r.dueOn <= limit);
      for (const scheduled of due) this.bookReturn(state, scheduled.endToEndId, scheduled.reasonCode, scheduled.dueOn);
      state.returns = state.returns.filter((r) => !due.includes(r));
      await this.save();
      return due.length;
    });
  }

  /**
   * Write the camt.053 for `date` (today or earlier, after the last statement), preceded by one
   * for each earlier day with bookings not yet stated. Returns the file names written.
   */
  writeStatement(date: string): Promise<string[]> {
    if (!isIsoDate(date) || date > this.today()) return Promise.reject(new RangeError(`cannot write a statement for ${date}`));
    return this.bookDueReturns(date).then(() => this.exclusive(async () => {
      const state = await this.load();
      if (state.statement.lastDate !== null && date <= state.statement.lastDate) throw new RangeError(`the statement for ${date} was already written`);
      const dates = [...new Set(state.entries.map((e) => e.bookingDate).filter((d) => d < date)), date].sort();
      const written: string[] = [];
      for (const day of dates) written.push(await this.writeStatementFor(state, day));
      await this.save();
      return written;
    }));
  }

  /** Send a paid payout back now (the payee's bank returns it), with an ISO return reason. */
  returnPayout(endToEndId: string, reasonCode: SimulatedReturn = 'AC04'): Promise<void> {
    return this.exclusive(async () => {
      const state = await this.load();
      this.bookReturn(state, endToEndId, reasonCode, this.bookingDate(state));
      await this.save();
    });
  }

  /** The operator tops up its clearing account (a received credit transfer). */
  deposit(amountMinor: bigint, fromName: string): Promise<void> {
    if (amountMinor <= 0n) return Promise.reject(new RangeError('a deposit is positive'));
    return this.exclusive(async () => {
      const state = await this.load();
      state.balanceMinor = (BigInt(state.balanceMinor) + amountMinor).toString();
      state.entries.push({ kind: 'deposit', amountMinor: amountMinor.toString(), bookingDate: this.bookingDate(state), bankReference: this.nextReference(state), counterpartyName: fromName });
      await this.save();
    });
  }

  /** The account's booked balance now (whole won). */
  async balanceMinor(): Promise<bigint> {
    return BigInt((await this.load()).balanceMinor);
  }

  /** Answers owed and not yet written. */
  async pendingAnswers(): Promise<number> {
    return (await this.load()).scheduled.length;
  }

  // ——— inside the bank ———

  private async receive(name: string, xml: string): Promise<ProcessedFile> {
    const state = await this.load();
    const messageId = /<(?:\w+:)?MsgId>([^<]{1,35})<\/(?:\w+:)?MsgId>/.exec(xml)?.[1] ?? null;
    const faults = randomStream(this.options.seed, `${messageId ?? name}:faults`);
    if (faults() < this.options.lostFileRate) {
      this.config.logger?.info({ file: name }, 'bank simulator lost a file (as asked)');
      return { name, messageId, outcome: 'lost', accepted: 0, rejected: 0 };
    }
    const parsed = await parsePain001(xml);
    const refuse = (code: string, text?: string): ProcessedFile => {
      this.schedule(state, { originalMessageId: messageId ?? 'NOTPROVIDED', groupStatusCode: 'RJCT', groupReason: { code, ...(text ? { text } : {}) }, lines: [] }, faults);
      return { name, messageId, outcome: 'file_rejected', accepted: 0, rejected: 0 };
    };
    if (!parsed.ok) return refuse('FF01', parsed.errors[0]);
    const batch = parsed.value;
    if (state.received.includes(batch.messageId)) return refuse('DU01');
    state.received = [...state.received, batch.messageId].slice(-RECEIVED_IDS_MAX);
    const own = normalizeAccountNumber(this.options.account.accountNumber);
    if (batch.debtor.accountNumber !== own || batch.debtor.bankCode !== this.options.account.bankCode) return refuse('AC02');
    if (batch.debtor.currency !== this.options.account.currency) return refuse('AM03');
    const lines = this.decide(state, batch);
    const accepted = lines.filter((line) => line.statusCode === 'ACSP').length;
    const pending = randomStream(this.options.seed, `${batch.messageId}:pending`);
    const firstLines = lines.map((line) => (line.statusCode === 'ACSP' && pending() < this.options.pendingRate ? { ...line, statusCode: 'PDNG', bankReference: undefined } : line));
    const answer = { originalMessageId: batch.messageId, originalCreatedAt: batch.createdAt.toISOString(), originalCount: lines.length };
    if (faults() < this.options.missingAnswerRate) {
      this.config.logger?.info({ messageId: batch.messageId }, 'bank simulator will not answer this file (as asked)');
    } else {
      this.schedule(state, { ...answer, groupStatusCode: groupStatusOf(firstLines), lines: firstLines }, faults);
      const later = lines.filter((line, index) => firstLines[index]?.statusCode !== line.statusCode);
      if (later.length > 0) this.schedule(state, { ...answer, groupStatusCode: groupStatusOf(later), lines: later }, faults, 1);
    }
    return { name, messageId: batch.messageId, outcome: 'answered', accepted, rejected: lines.length - accepted };
  }

  /** Each payout's fate, in file order; accepted ones are debited and booked at once. */
  private decide(state: SimulatorState, batch: PayoutBatch): AnswerLine[] {
    const random = randomStream(this.options.seed, `${batch.messageId}:items`);
    const returns = randomStream(this.options.seed, `${batch.messageId}:returns`);
    const seen = new Set<string>();
    const bookingDate = this.bookingDate(state);
    const today = this.today();
    return batch.items.map((item) => {
      const amountMinor = item.amountMinor.toString();
      const refuse = (reasonCode: string): AnswerLine => ({ endToEndId: item.endToEndId, statusCode: 'RJCT', reasonCode, amountMinor });
      const draw = random();
      const reasonDraw = random;
      if (seen.has(item.endToEndId) || state.payouts[item.endToEndId]) return refuse('AM05');
      seen.add(item.endToEndId);
      const account = checkKoreanBankAccount(item.creditorBankCode, item.creditorAccountNumber);
      if (!account.ok) return refuse(account.code === 'invalid_bank_code' ? 'RC01' : 'AC01');
      if (this.closed.has(account.accountNumber)) return refuse('AC04');
      if (draw < this.options.rejectionRate) return refuse(pickWeighted(this.reasons, reasonDraw));
      const balance = BigInt(state.balanceMinor);
      if (item.amountMinor > balance) return refuse('AM04');
      state.balanceMinor = (balance - item.amountMinor).toString();
      const bankReference = this.nextReference(state, today);
      state.entries.push({ kind: 'payout', amountMinor, bookingDate, bankReference, endToEndId: item.endToEndId, messageId: batch.messageId, counterpartyName: item.creditorName });
      state.payouts[item.endToEndId] = { amountMinor, messageId: batch.messageId, name: item.creditorName, bookedOn: bookingDate, returned: false };
      if (returns() < this.options.returnRate) {
        const reasonCode = RETURN_REASONS[Math.floor(returns() * RETURN_REASONS.length)] ?? 'AC04';
        state.returns.push({ endToEndId: item.endToEndId, dueOn: addDays(bookingDate, Math.max(1, this.options.returnAfterDays)), reasonCode });
      }
      return { endToEndId: item.endToEndId, statusCode: 'ACSP', bankReference, amountMinor };
    });
  }

  private schedule(
    state: SimulatorState,
    answer: Omit<ScheduledAnswer, 'dueAt' | 'order' | 'fault'>,
    faults: () => number,
    later = 0,
  ): void {
    const now = this.options.clock.now().getTime();
    // The follow-up report (final statuses after "pending") comes one latency later — or, out of
    // order, together with the first and ahead of it.
    const delay = this.options.latency_ms * (this.options.outOfOrder ? 1 : 1 + later);
    const fault = faults() < this.options.invalidAnswerRate ? 'invalid' : faults() < this.options.duplicateRate ? 'duplicate' : 'none';
    state.sequence += 1;
    state.scheduled.push({ ...answer, dueAt: new Date(now + delay).toISOString(), order: state.sequence, fault });
  }

  private async writeAnswer(answer: ScheduledAnswer): Promise<string[]> {
    const state = await this.load();
    const now = this.options.clock.now();
    state.sequence += 1;
    const items: StatusReportItemInput[] = answer.lines.map((line) => ({
      endToEndId: line.endToEndId,
      statusCode: line.statusCode,
      amountMinor: BigInt(line.amountMinor),
      currency: this.options.account.currency,
      ...(line.reasonCode ? { reasonCode: line.reasonCode, reasonText: describeReason(line.reasonCode, 'en') } : {}),
      ...(line.bankReference ? { bankReference: line.bankReference, acceptedAt: now } : {}),
    }));
    let xml = buildPain002({
      messageId: `SIM-P2-${String(state.sequence).padStart(10, '0')}`,
      createdAt: now,
      originalMessageId: answer.originalMessageId,
      ...(answer.originalCreatedAt ? { originalCreatedAt: new Date(answer.originalCreatedAt) } : {}),
      ...(answer.originalCount !== undefined ? { originalCount: answer.originalCount } : {}),
      groupStatusCode: answer.groupStatusCode,
      ...(answer.groupReason ? { groupReason: answer.groupReason } : {}),
      items,
    });
    if (answer.fault === 'invalid') xml = corrupt(xml, randomStream(this.options.seed, `corrupt:${state.sequence}`));
    const incoming = bankDirectories(this.options.dataDir).incoming;
    const name = `pain002_${fileSafe(answer.originalMessageId)}_${String(state.sequence).padStart(10, '0')}.xml`;
    await writeFileAtomic(incoming, name, xml);
    if (answer.fault !== 'duplicate') return [name];
    const copy = name.replace(/\.xml$/, '_copy.xml');
    await writeFileAtomic(incoming, copy, xml);
    return [name, copy];
  }

  private async writeStatementFor(state: SimulatorState, date: string): Promise<string> {
    const entries = state.entries.filter((e) => e.bookingDate === date);
    const opening = BigInt(state.statement.closingMinor);
    state.statement.sequence += 1;
    state.sequence += 1;
    const account = this.options.account;
    const input = {
      messageId: `SIM-S-${date}-${String(state.sequence).padStart(8, '0')}`,
      createdAt: this.options.clock.now(),
      statementId: `STMT-${normalizeAccountNumber(account.accountNumber)?.slice(-4) ?? 'ACCT'}-${date}`,
      sequenceNumber: BigInt(state.statement.sequence),
      period: { from: new Date(`${date}T00:00:00${offsetOf(this.options.timeZone, date)}`), to: new Date(`${date}T23:59:59.999${offsetOf(this.options.timeZone, date)}`) },
      account: { name: account.name, bankCode: account.bankCode, accountNumber: normalizeAccountNumber(account.accountNumber) ?? account.accountNumber, currency: account.currency },
      openingBalance: { amountMinor: opening, date: state.statement.lastDate ?? addDays(date, -1) },
      closingDate: date,
      entries: entries.map(toStatementEntry),
    };
    const name = `camt053_${date}_${String(state.sequence).padStart(8, '0')}.xml`;
    await writeFileAtomic(bankDirectories(this.options.dataDir).incoming, name, buildCamt053(input));
    state.statement = { lastDate: date, closingMinor: closingBalanceOf(input).toString(), sequence: state.statement.sequence };
    state.entries = state.entries.filter((e) => e.bookingDate !== date);
    prunePayouts(state, date);
    return name;
  }

  private bookReturn(state: SimulatorState, endToEndId: string, reasonCode: string, bookingDate: string): void {
    const payout = state.payouts[endToEndId];
    if (!payout) throw new RangeError(`the bank never paid ${endToEndId}`);
    if (payout.returned) throw new RangeError(`${endToEndId} was already returned`);
    payout.returned = true;
    state.balanceMinor = (BigInt(state.balanceMinor) + BigInt(payout.amountMinor)).toString();
    const lastDate = state.statement.lastDate;
    const date = lastDate !== null && bookingDate <= lastDate ? addDays(lastDate, 1) : bookingDate;
    state.entries.push({ kind: 'return', amountMinor: payout.amountMinor, bookingDate: date, bankReference: this.nextReference(state), endToEndId, messageId: payout.messageId, counterpartyName: payout.name, returnReasonCode: reasonCode });
  }

  /** Today, or the day after the last statement when today's is already written (after cut-off). */
  private bookingDate(state: SimulatorState): string {
    const today = this.today();
    const lastDate = state.statement.lastDate;
    return lastDate !== null && today <= lastDate ? addDays(lastDate, 1) : today;
  }

  private nextReference(state: SimulatorState, today = this.today()): string {
    state.sequence += 1;
    return `SIM${today.replaceAll('-', '')}${String(state.sequence).padStart(10, '0')}`;
  }

  private today(): string {
    return localDate(this.options.clock.now(), this.options.timeZone);
  }

  private async load(): Promise<SimulatorState> {
    this.state ??= await loadState(this.simulatorDir, this.options.openingBalanceMinor);
    return this.state;
  }

  private async save(): Promise<void> {
    if (this.state) await saveState(this.simulatorDir, this.state);
  }

  /** One operation at a time: the timer and a test may both drive the bank. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A limit on everything: paid payouts are remembered (for returns and AM05) for this long. */
const PAYOUT_MEMORY_DAYS = 90;

function prunePayouts(state: SimulatorState, date: string): void {
  const horizon = addDays(date, -PAYOUT_MEMORY_DAYS);
  const returning = new Set(state.returns.map((r) => r.endToEndId));
  for (const [ref, payout] of Object.entries(state.payouts)) {
    if (payout.bookedOn < horizon && !returning.has(ref)) delete state.payouts[ref];
  }
}

function groupStatusOf(lines: readonly AnswerLine[]): string {
  const statuses = new Set(lines.map((line) => line.statusCode));
  return statuses.size === 1 ? ([...statuses][0] ?? 'PART') : 'PART';
}

function toStatementEntry(entry: BookedEntry): StatementEntryInput {
  return {
    kind: entry.kind,
    amountMinor: BigInt(entry.amountMinor),
    bookingDate: entry.bookingDate,
    bankReference: entry.bankReference,
    ...(entry.endToEndId ? { endToEndId: entry.endToEndId } : {}),
    ...(entry.messageId ? { messageId: entry.messageId } : {}),
    ...(entry.counterpartyName ? { counterpartyName: entry.counterpartyName } : {}),
    ...(entry.returnReasonCode ? { returnReason: { code: entry.returnReasonCode } } : {}),
  };
}

/** "+09:00": the zone's UTC offset on that date (Korea has no daylight saving, others may). */
function offsetOf(timeZone: string, date: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(`${date}T12:00:00Z`)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-][0-9]{2}:[0-9]{2})/.exec(name);
  return match?.[1] ?? '+00:00';
}

/** A bank's broken file: cut short, or a status the schema does not allow. */
function corrupt(xml: string, random: () => number): string {
  if (random() < 0.5) return xml.slice(0, Math.floor(xml.length / 2));
  return xml.includes('<TxSts>') ? xml.replace(/<TxSts>[A-Z]+<\/TxSts>/, '<TxSts>ACCEPTED</TxSts>') : xml.replace(/<GrpSts>[A-Z]+<\/GrpSts>/, '<GrpSts>UNKNOWN</GrpSts>');
}
