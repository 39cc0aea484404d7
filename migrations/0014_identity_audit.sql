-- The audit log: every staff action (and other security-relevant acts), append-only. The trigger
-- refuses UPDATE, DELETE and TRUNCATE whatever the application does.
CREATE TABLE audit_log (
  id          text COLLATE "C" PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor_kind  text NOT NULL CHECK (actor_kind IN ('staff', 'user', 'partner', 'system')),
  actor_id    text,
  action      text NOT NULL,
  target_kind text,
  target_id   text,
  reason      text,
  before      jsonb,
  after       jsonb,
  request_id  text
);
CREATE INDEX audit_log_target ON audit_log (target_id, id) WHERE target_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL;

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
