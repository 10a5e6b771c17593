-- Catalog-wide change feed for cluster mode: every resource create, update (which includes the
-- version bump of a data edit) and delete appends a row in the same transaction as the change.
-- Each node polls rows past the last one it saw and tells its caches (Resources.onChange), so a
-- change made on another node reaches them; see src/catalog/cluster-changes.ts. AUTOINCREMENT
-- so a sequence number is never reused after pruning.
CREATE TABLE gisd_change (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  resource_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
);

CREATE TRIGGER gisd_change_create AFTER INSERT ON resource BEGIN
  INSERT INTO gisd_change (resource_id, kind) VALUES (NEW.id, 'create');
END;

CREATE TRIGGER gisd_change_update AFTER UPDATE ON resource BEGIN
  INSERT INTO gisd_change (resource_id, kind) VALUES (NEW.id, 'update');
END;

CREATE TRIGGER gisd_change_delete AFTER DELETE ON resource BEGIN
  INSERT INTO gisd_change (resource_id, kind) VALUES (OLD.id, 'delete');
END;
