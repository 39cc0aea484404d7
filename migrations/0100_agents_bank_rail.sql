-- Issue 6, finished: agents rebalance through the bank rail, can be suspended, and an ATM
-- withdrawal authorized but never completed is swept to finance.

-- The agent's bank account for float withdrawals: one of the owner's verified bank accounts
-- (identity's bank_accounts, dst_…), so the number is stored once, encrypted, and the holder is
-- the owner whose identity was checked — float is never paid to a third party's account.
ALTER TABLE agents ADD COLUMN bank_account_id text COLLATE "C";
-- Suspension: who, when and why (the audit log keeps the history; this is the current state).
ALTER TABLE agents ADD COLUMN status_reason text;
ALTER TABLE agents ADD COLUMN status_changed_at timestamptz;
ALTER TABLE agents ADD COLUMN status_changed_by text;

-- Rebalancing states. A top-up is booked when finance approves it against a deposit the bank
-- stated (approved, final). A withdrawal approved by finance reserves the float and goes to the
-- bank as a pain.001 item (approved) → settled (accepted) | failed (rejected: the float is back);
-- settled → returned (the payee bank sent it back: the float is back).
ALTER TABLE agent_rebalances DROP CONSTRAINT agent_rebalances_status_check;
ALTER TABLE agent_rebalances ADD CONSTRAINT agent_rebalances_status_check
  CHECK (status IN ('requested', 'approved', 'rejected', 'settled', 'failed', 'returned'));
ALTER TABLE agent_rebalances ADD COLUMN batch_id text;
ALTER TABLE agent_rebalances ADD COLUMN reason_code text;
ALTER TABLE agent_rebalances ADD COLUMN reason_text text;
ALTER TABLE agent_rebalances ADD COLUMN resolved_at timestamptz;
-- Withdrawals approved before this migration were booked straight into bank_deposits: they are done.
UPDATE agent_rebalances SET status = 'settled', resolved_at = decided_at WHERE direction = 'withdrawal' AND status = 'approved';
-- One bank deposit tops up one float, once.
CREATE UNIQUE INDEX agent_rebalances_deposit ON agent_rebalances (bank_reference) WHERE direction = 'top_up' AND status = 'approved';
CREATE INDEX agent_rebalances_unsubmitted ON agent_rebalances (decided_at) WHERE direction = 'withdrawal' AND status = 'approved' AND batch_id IS NULL;

-- An ATM withdrawal authorized but neither completed nor reversed within the policy's window: the
-- sweep voids the hold (status lapsed) and opens a finance task, because the ATM may have paid.
-- A complete arriving after that is refused and noted on the code's row and on the task.
ALTER TABLE cashout_pickup_codes DROP CONSTRAINT cashout_pickup_codes_status_check;
ALTER TABLE cashout_pickup_codes ADD CONSTRAINT cashout_pickup_codes_status_check
  CHECK (status IN ('active', 'authorized', 'redeemed', 'expired', 'void', 'lapsed'));
ALTER TABLE cashout_pickup_codes ADD COLUMN late_complete_at timestamptz;
CREATE INDEX cashout_pickup_codes_authorized ON cashout_pickup_codes (authorized_at) WHERE status = 'authorized';

ALTER TABLE finance_tasks DROP CONSTRAINT finance_tasks_kind_check;
ALTER TABLE finance_tasks ADD CONSTRAINT finance_tasks_kind_check
  CHECK (kind IN ('unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'return_not_applied', 'atm_not_completed'));
