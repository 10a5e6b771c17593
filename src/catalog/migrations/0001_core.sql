-- The core catalog: resource tree, ACL, metadata, principals, sessions, uploads.
CREATE TABLE resource (
  id INTEGER PRIMARY KEY,
  cls TEXT NOT NULL,
  parent_id INTEGER REFERENCES resource(id),
  keyname TEXT,
  display_name TEXT NOT NULL,
  description TEXT,
  owner_user_id INTEGER NOT NULL,
  creation_date TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX resource_keyname_uq ON resource(keyname);
CREATE UNIQUE INDEX resource_sibling_name_uq ON resource(parent_id, display_name);
CREATE INDEX resource_parent_idx ON resource(parent_id);

CREATE TABLE resource_acl (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('allow', 'deny')),
  principal_id INTEGER NOT NULL,
  identity TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL DEFAULT '',
  permission TEXT NOT NULL DEFAULT '',
  propagate INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX resource_acl_resource_idx ON resource_acl(resource_id);

CREATE TABLE resmeta (
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  vtype TEXT NOT NULL,
  value TEXT,
  PRIMARY KEY (resource_id, key)
);

CREATE TABLE resource_ext (
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  ns TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (resource_id, ns)
);

CREATE TABLE principal (
  id INTEGER PRIMARY KEY,
  cls TEXT NOT NULL CHECK (cls IN ('U', 'G')),
  system INTEGER NOT NULL DEFAULT 0,
  keyname TEXT NOT NULL,
  display_name TEXT NOT NULL,
  description TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  superuser INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT,
  language TEXT,
  last_activity TEXT,
  register INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX principal_keyname_uq ON principal(lower(keyname), cls);

CREATE TABLE principal_member (
  group_id INTEGER NOT NULL REFERENCES principal(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES principal(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);

CREATE TABLE session (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES principal(id) ON DELETE CASCADE,
  created TEXT NOT NULL,
  expires TEXT NOT NULL
);

CREATE TABLE upload (
  id TEXT PRIMARY KEY,
  name TEXT,
  mime_type TEXT,
  size INTEGER NOT NULL,
  length INTEGER NOT NULL,
  created TEXT NOT NULL,
  owner_id INTEGER NOT NULL
);

CREATE TABLE setting (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
