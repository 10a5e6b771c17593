-- Claims of background jobs in cluster mode (src/catalog/jobs.ts): a job (any table's row, named
-- "<kind>:<id>") is run by the node whose claim row holds an unexpired lease. A side table, so a
-- job table needs no new columns to use it; a finished job's claim is deleted.
CREATE TABLE gisd_job_claim (
  job TEXT PRIMARY KEY,
  claimed_by TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL
);
CREATE INDEX gisd_job_claim_lease ON gisd_job_claim(lease_until);
