// The bank transfer rail: RailAdapter over ISO 20022 files. submit() writes one pain.001 per
// batch into outgoing/; ingest() reads what the bank put in incoming/ — pain.002 status reports
// and camt.053 statements — validates each file, turns it into per-payout updates, hands them to
// the caller, and files the message away. status() answers from the rail's journal.
import type { Clock } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import '../errors.ts';
import type { IngestReport, ItemResult, RailAdapter, RailUpdate, RailUpdateBatch, SubmitRequest } from '../types.ts';
import type { StatementMessage } from './camt053.ts';
import { ensureBankDirectories, listIncomingFiles, markProcessed, markRejected, readIncomingFile, writePain001File, type IncomingMessage } from './files.ts';
import type { BankRailStore } from './journal.ts';
import { checkPayoutItem, PAYOUT_ITEMS_MAX, type PayoutDebtor, type PayoutItem } from './pain001.ts';
import type { StatusReport } from './pain002.ts';

export interface BankDestination {
  /** KFTC bank code, e.g. "088". */
  bankCode: string;
  accountNumber: string;
}

export type BankUpdateBatch = RailUpdateBatch &
  ({ kind: 'pain.002.001.11'; report: StatusReport } | { kind: 'camt.053.001.08'; statement: StatementMessage });

export interface BankRailOptions {
  dataDir: string;
  clock: Clock;
  /** The operator's clearing account at its bank: every payout is debited from it. */
  debtor: PayoutDebtor;
  store: BankRailStore;
  /** A limit on everything: files read per ingest() call. */
  filesPerIngestMax?: number;
}

export type BankRail = RailAdapter<BankDestination, BankUpdateBatch>;

export function createBankRail(options: BankRailOptions): BankRail {
  const { dataDir, clock, debtor, store } = options;
  const filesMax = options.filesPerIngestMax ?? 100;
  // One ingest at a time: two would read the same file before either moved it.
  let ingesting: Promise<unknown> = Promise.resolve();

  async function submit(request: SubmitRequest<BankDestination>): Promise<ItemResult[]> {
    if (request.items.length > PAYOUT_ITEMS_MAX) {
      throw new DomainError('invalid_payout_batch', { param: 'items', data: { detail: `at most ${PAYOUT_ITEMS_MAX} items per submit` } });
    }
    const now = clock.now();
    const results: ItemResult[] = [];
    const valid: PayoutItem[] = [];
    const seen = new Set<string>();
    for (const [index, item] of request.items.entries()) {
      const checked = checkPayoutItem(
        {
          endToEndId: item.ref,
          amountMinor: item.amountMinor,
          currency: item.currency,
          creditorName: item.payeeName,
          creditorBankCode: item.destination.bankCode,
          creditorAccountNumber: item.destination.accountNumber,
          remittanceInfo: item.remittanceInfo,
        },
        debtor.currency,
        `items[${index}]`,
      );
      const problem = seen.has(item.ref)
        ? { code: 'invalid_payout_batch', message: 'the ref appears twice in the request' }
        : checked.ok ? undefined : checked.problems[0];
      seen.add(item.ref);
      if (problem || !checked.ok) {
        results.push({ ref: item.ref, state: 'rejected', at: now, reasonCode: problem?.code ?? 'invalid_payout_batch', reasonText: problem?.message ?? 'not valid', local: true });
      } else {
        results.push({ ref: item.ref, state: 'unknown' });
        valid.push(checked.item);
      }
    }
    // A ref the rail has already seen is never sent again: its current result stands.
    const known = new Map((await store.lookup(valid.map((item) => item.endToEndId))).map((result) => [result.ref, result]));
    const fresh = valid.filter((item) => known.get(item.endToEndId)?.state === 'unknown');
    if (fresh.length > 0) {
      if ((await store.submittedRefs(request.batchId)) !== null) {
        throw new Error(`batch ${request.batchId} was already submitted with other items; a new batch needs a new id`);
      }
      // File first, journal second: a crash in between rewrites the same file (or the bank
      // refuses the copy with DU01, which ingest ignores) — never a payout without a record.
      await writePain001File(dataDir, { messageId: request.batchId, createdAt: now, requestedExecutionDate: request.executionDate, debtor, items: fresh });
      await store.recordSubmission(request.batchId, fresh.map((item) => item.endToEndId), now);
    }
    const after = new Map((await store.lookup(valid.map((item) => item.endToEndId))).map((result) => [result.ref, result]));
    return results.map((result) => (result.state === 'unknown' ? (after.get(result.ref) ?? result) : result));
  }

  async function updatesOfReport(report: StatusReport): Promise<RailUpdate[]> {
    // DU01: the bank refused a second copy of a file. That says nothing about the first copy.
    if (report.groupReason?.code === 'DU01') return [];
    const at = report.createdAt;
    const updates: RailUpdate[] = report.items.map((item) => {
      if (item.status === 'accepted') return { ref: item.endToEndId, state: 'accepted', at: item.acceptedAt ?? at, ...(item.bankReference ? { railReference: item.bankReference } : {}) };
      if (item.status === 'rejected') return { ref: item.endToEndId, state: 'rejected', at, reasonCode: item.reasonCode ?? 'NARR', reasonText: item.reasonText ?? 'rejected by the bank' };
      return { ref: item.endToEndId, state: 'pending', since: at };
    });
    // A whole-file answer without item lines applies to every item of the file.
    const group = report.groupStatus;
    if (report.items.length === 0 && group && group !== 'partially_accepted') {
      for (const ref of (await store.submittedRefs(report.originalMessageId)) ?? []) {
        if (group === 'accepted') updates.push({ ref, state: 'accepted', at });
        else if (group === 'pending') updates.push({ ref, state: 'pending', since: at });
        else updates.push({ ref, state: 'rejected', at, reasonCode: report.groupReason?.code ?? 'NARR', reasonText: report.groupReason?.text ?? 'the bank refused the whole file' });
      }
    }
    return updates;
  }

  function updatesOfStatement(message: StatementMessage): RailUpdate[] {
    const updates: RailUpdate[] = [];
    for (const statement of message.statements) {
      for (const entry of statement.entries) {
        if (entry.status !== 'booked' || !entry.endToEndId) continue;
        const ref = entry.endToEndId;
        if (entry.kind === 'payout') {
          updates.push({ ref, state: 'accepted', at: message.createdAt, settledOn: entry.bookingDate, ...(entry.bankReference ? { railReference: entry.bankReference } : {}) });
        } else if (entry.kind === 'return') {
          const reason = entry.returnReason ?? { code: 'NARR', text: 'returned by the payee bank' };
          updates.push({ ref, state: 'returned', at: message.createdAt, reasonCode: reason.code, reasonText: reason.text, returnedOn: entry.bookingDate, amountMinor: entry.amountMinor });
        }
      }
    }
    return updates;
  }

  async function batchOf(name: string, message: IncomingMessage): Promise<BankUpdateBatch> {
    const base = { source: name, messageId: message.messageId, receivedAt: clock.now() };
    if (message.kind === 'pain.002.001.11') return { ...base, kind: message.kind, report: message.report, updates: await updatesOfReport(message.report) };
    return { ...base, kind: message.kind, statement: message.statement, updates: updatesOfStatement(message.statement) };
  }

  async function ingestOnce(apply: (batch: BankUpdateBatch) => Promise<void>): Promise<IngestReport> {
    await ensureBankDirectories(dataDir);
    const report: IngestReport = { applied: [], duplicates: [], rejected: [] };
    for (const name of (await listIncomingFiles(dataDir)).slice(0, filesMax)) {
      const read = await readIncomingFile(dataDir, name);
      if (!read.ok) {
        await markRejected(dataDir, name, read.errors);
        report.rejected.push({ source: name, errors: read.errors });
        continue;
      }
      const key = `${read.value.kind}:${read.value.messageId}`;
      if (await store.hasMessage(key)) {
        await markProcessed(dataDir, name);
        report.duplicates.push(name);
        continue;
      }
      const batch = await batchOf(name, read.value);
      await apply(batch);
      await store.recordMessage(key, batch.updates, clock.now());
      await markProcessed(dataDir, name);
      report.applied.push(name);
    }
    return report;
  }

  return {
    channel: 'bank',
    itemsPerSubmitMax: PAYOUT_ITEMS_MAX,
    submit,
    status: (refs) => store.lookup(refs),
    ingest(apply) {
      const run = ingesting.then(() => ingestOnce(apply));
      ingesting = run.catch(() => undefined);
      return run;
    },
  };
}
