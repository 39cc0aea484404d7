// Credits on their way into wallets, per wallet, in this process. The balance cap is checked
// before the ledger (the ledger knows no caps), so a credit being written must count against the
// room of the next one planned for the same wallet. Counting it until its result is back is
// conservative: a commit that lands between a balance read and the result is counted twice,
// which can only hold a little too much (the release job gives it back), never let a wallet
// pass its cap. No lock is held, so the chunks of a stream still overlap in the ledger.
export class InflightCredits {
  private readonly amounts = new Map<string, bigint>();

  of(walletId: string): bigint {
    return this.amounts.get(walletId) ?? 0n;
  }

  add(walletId: string, amount: bigint): void {
    if (amount === 0n) return;
    this.amounts.set(walletId, this.of(walletId) + amount);
  }

  remove(walletId: string, amount: bigint): void {
    if (amount === 0n) return;
    const left = this.of(walletId) - amount;
    if (left <= 0n) this.amounts.delete(walletId);
    else this.amounts.set(walletId, left);
  }

  get size(): number {
    return this.amounts.size;
  }
}
