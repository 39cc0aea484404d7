-- The operator's policy, one row per published version (src/policy/store.ts). A version is
-- immutable and kept forever: quotes and transactions name the version they were made under, so
-- the words and numbers of every version must stay exactly as they were published. Corrections
-- are new versions. The triggers below make that a property of the database, not of the code.
CREATE TABLE policy_versions (
  version        integer PRIMARY KEY CHECK (version > 0),
  -- The validated, normalised document (amounts as decimal strings in major units).
  document       jsonb NOT NULL,
  -- The YAML as published, comments included, for people.
  yaml           text NOT NULL,
  -- SHA-256 (hex) of the canonical JSON of `document`; checked on every read.
  checksum       text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  effective_from timestamptz NOT NULL,
  -- Staff id of the publisher; null for the version seeded from policy/default.yaml.
  published_by   text,
  published_at   timestamptz NOT NULL
);

-- "Which version is in force at t": the highest version whose effective_from ≤ t.
CREATE INDEX policy_versions_effective ON policy_versions (effective_from DESC, version DESC);

CREATE FUNCTION policy_versions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'policy versions are immutable: publish a new version instead (% refused)', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER policy_versions_no_update_delete
  BEFORE UPDATE OR DELETE ON policy_versions
  FOR EACH ROW EXECUTE FUNCTION policy_versions_refuse_change();

CREATE TRIGGER policy_versions_no_truncate
  BEFORE TRUNCATE ON policy_versions
  FOR EACH STATEMENT EXECUTE FUNCTION policy_versions_refuse_change();

-- Versions are numbered 1, 2, 3, … without gaps, and a later version never takes effect before
-- an earlier one: so "the highest version in effect" is the whole rule for what is in force.
-- Two concurrent publishers computing the same next number collide on the primary key.
CREATE FUNCTION policy_versions_check_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_version integer;
  last_effective timestamptz;
BEGIN
  SELECT version, effective_from INTO last_version, last_effective
    FROM policy_versions ORDER BY version DESC LIMIT 1;
  IF NOT FOUND THEN
    IF NEW.version <> 1 THEN
      RAISE EXCEPTION 'the first policy version is 1, not %', NEW.version USING ERRCODE = 'check_violation';
    END IF;
  ELSE
    -- A concurrent publisher took this number first (its row became visible to this statement
    -- after the number was chosen): the same conflict as the primary key's.
    IF NEW.version <= last_version THEN
      RAISE EXCEPTION 'policy version % already exists', NEW.version USING ERRCODE = 'unique_violation';
    END IF;
    IF NEW.version <> last_version + 1 THEN
      RAISE EXCEPTION 'policy version % must follow % without a gap', NEW.version, last_version USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.effective_from < last_effective THEN
      RAISE EXCEPTION 'policy version % cannot take effect before version %', NEW.version, last_version USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER policy_versions_order
  BEFORE INSERT ON policy_versions
  FOR EACH ROW EXECUTE FUNCTION policy_versions_check_order();
