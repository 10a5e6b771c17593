-- Audit log of logins and permission changes. Permission changes are recorded by triggers so
-- that every face (NGW ACL, GeoNode perm_spec, GeoServer, CLI) is covered inside the same
-- transaction as the change itself; logins are recorded by the authenticator.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  event TEXT NOT NULL,
  actor_id INTEGER,
  principal_id INTEGER,
  resource_id INTEGER,
  address TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_event_idx ON audit_log(event, id);

CREATE TRIGGER audit_acl_grant AFTER INSERT ON resource_acl BEGIN
  INSERT INTO audit_log (event, principal_id, resource_id, detail) VALUES (
    'acl.grant', NEW.principal_id, NEW.resource_id,
    json_object('action', NEW.action, 'scope', NEW.scope, 'permission', NEW.permission,
                'identity', NEW.identity, 'propagate', json(CASE WHEN NEW.propagate THEN 'true' ELSE 'false' END)));
END;

CREATE TRIGGER audit_acl_revoke AFTER DELETE ON resource_acl BEGIN
  INSERT INTO audit_log (event, principal_id, resource_id, detail) VALUES (
    'acl.revoke', OLD.principal_id, OLD.resource_id,
    json_object('action', OLD.action, 'scope', OLD.scope, 'permission', OLD.permission,
                'identity', OLD.identity, 'propagate', json(CASE WHEN OLD.propagate THEN 'true' ELSE 'false' END)));
END;

CREATE TRIGGER audit_member_add AFTER INSERT ON principal_member BEGIN
  INSERT INTO audit_log (event, principal_id, detail)
  VALUES ('member.add', NEW.user_id, json_object('group', NEW.group_id));
END;

CREATE TRIGGER audit_member_remove AFTER DELETE ON principal_member BEGIN
  INSERT INTO audit_log (event, principal_id, detail)
  VALUES ('member.remove', OLD.user_id, json_object('group', OLD.group_id));
END;

CREATE TRIGGER audit_principal_create AFTER INSERT ON principal BEGIN
  INSERT INTO audit_log (event, principal_id, detail) VALUES ('principal.create', NEW.id,
    json_object('keyname', NEW.keyname, 'cls', NEW.cls, 'superuser', json(CASE WHEN NEW.superuser THEN 'true' ELSE 'false' END)));
END;

CREATE TRIGGER audit_principal_delete AFTER DELETE ON principal BEGIN
  INSERT INTO audit_log (event, principal_id, detail)
  VALUES ('principal.delete', OLD.id, json_object('keyname', OLD.keyname, 'cls', OLD.cls));
END;

CREATE TRIGGER audit_superuser AFTER UPDATE OF superuser ON principal
WHEN NEW.superuser IS NOT OLD.superuser BEGIN
  INSERT INTO audit_log (event, principal_id, detail)
  VALUES ('user.superuser', NEW.id, json_object('superuser', json(CASE WHEN NEW.superuser THEN 'true' ELSE 'false' END)));
END;

CREATE TRIGGER audit_disabled AFTER UPDATE OF disabled ON principal
WHEN NEW.disabled IS NOT OLD.disabled BEGIN
  INSERT INTO audit_log (event, principal_id, detail)
  VALUES ('user.disabled', NEW.id, json_object('disabled', json(CASE WHEN NEW.disabled THEN 'true' ELSE 'false' END)));
END;

CREATE TRIGGER audit_password AFTER UPDATE OF password_hash ON principal
WHEN NEW.password_hash IS NOT OLD.password_hash BEGIN
  INSERT INTO audit_log (event, principal_id) VALUES ('user.password', NEW.id);
END;
