// Tier 2: a bank account is proven to be the person's by a 1-won deposit whose memo carries a code
// they type back. The adapter sends the deposit after checking the holder's name; the simulator
// keeps accounts and the deposits it "made", so the demo (and tests) can read the memo.
import { AdapterUnavailableError, sameName, seededRandom } from './adapter-error.ts';

export interface VerificationDepositRequest {
  bankCode: string;
  accountNumber: string;
  /** The name the account must be held in (from the identity check). */
  holderName: string;
  /** Shown as the depositor name in the person's bank app, e.g. "SC 123456". */
  memo: string;
  amountWon: 1;
}

export type DepositFailure = 'account_not_found' | 'holder_mismatch' | 'account_closed';
export type VerificationDepositResult = { ok: true; depositId: string } | { ok: false; reason: DepositFailure };

export interface BankVerificationAdapter {
  /** Throws AdapterUnavailableError when the bank does not answer. */
  sendVerificationDeposit(request: VerificationDepositRequest): Promise<VerificationDepositResult>;
}

export interface SimulatedDeposit {
  depositId: string;
  bankCode: string;
  accountNumber: string;
  memo: string;
  amountWon: number;
}

export interface BankSimulatorOptions {
  /** An account not registered with the simulator: 'accept' (demo default: it exists in the name given) or 'reject'. */
  unknownAccounts?: 'accept' | 'reject';
  /** Share of deposits that fail as account_not_found (0–1), drawn from `seed`. */
  failureRate?: number;
  seed?: number;
}

export class BankVerificationSimulator implements BankVerificationAdapter {
  private readonly accounts = new Map<string, { holderName: string; closed: boolean }>();
  private readonly scripted: (DepositFailure | 'unavailable')[] = [];
  private readonly random: () => number;
  private sequence = 0;
  readonly deposits: SimulatedDeposit[] = [];

  constructor(private readonly options: BankSimulatorOptions = {}) {
    this.random = seededRandom(options.seed ?? 7);
  }

  openAccount(bankCode: string, accountNumber: string, holderName: string, closed = false): void {
    this.accounts.set(`${bankCode}:${accountNumber}`, { holderName, closed });
  }

  failNext(outcome: DepositFailure | 'unavailable', count = 1): void {
    for (let i = 0; i < count; i++) this.scripted.push(outcome);
  }

  /** Deposits made to one account, oldest first: what its owner would see in their bank app. */
  depositsTo(bankCode: string, accountNumber: string): SimulatedDeposit[] {
    return this.deposits.filter((d) => d.bankCode === bankCode && d.accountNumber === accountNumber);
  }

  async sendVerificationDeposit(request: VerificationDepositRequest): Promise<VerificationDepositResult> {
    const scripted = this.scripted.shift();
    if (scripted === 'unavailable') throw new AdapterUnavailableError('bank_verification');
    if (scripted) return { ok: false, reason: scripted };
    const account = this.accounts.get(`${request.bankCode}:${request.accountNumber}`);
    if (!account) {
      if ((this.options.unknownAccounts ?? 'accept') === 'reject') return { ok: false, reason: 'account_not_found' };
    } else {
      if (account.closed) return { ok: false, reason: 'account_closed' };
      if (!sameName(account.holderName, request.holderName)) return { ok: false, reason: 'holder_mismatch' };
    }
    if ((this.options.failureRate ?? 0) > this.random()) return { ok: false, reason: 'account_not_found' };
    const depositId = `simdep_${++this.sequence}`;
    this.deposits.push({ depositId, bankCode: request.bankCode, accountNumber: request.accountNumber, memo: request.memo, amountWon: request.amountWon });
    return { ok: true, depositId };
  }
}
