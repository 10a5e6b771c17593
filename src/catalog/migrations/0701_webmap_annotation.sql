-- Web map annotations (NGW webmap_annotation): drawings with a description and a style, public
-- or private to their author. Geometry as WKT in EPSG:3857, as NGW's API speaks it.
CREATE TABLE webmap_annotation (
  id INTEGER PRIMARY KEY,
  webmap_id INTEGER NOT NULL,
  description TEXT,
  -- JSON object or NULL.
  style TEXT,
  geom TEXT NOT NULL,
  public INTEGER NOT NULL DEFAULT 1,
  -- The author of a private annotation; NULL for public ones (NGW sets it only when private).
  user_id INTEGER
);
CREATE INDEX webmap_annotation_webmap ON webmap_annotation(webmap_id);

-- A web map's annotations go with it; a user's private ones go with the user (NGW's
-- User.webmap_annotations backref cascades delete).
CREATE TRIGGER webmap_annotation_resource_delete AFTER DELETE ON resource BEGIN
  DELETE FROM webmap_annotation WHERE webmap_id = OLD.id;
END;
CREATE TRIGGER webmap_annotation_principal_delete AFTER DELETE ON principal BEGIN
  DELETE FROM webmap_annotation WHERE user_id = OLD.id;
END;
