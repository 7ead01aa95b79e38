-- Accounts, roles per municipality, sessions, password resets and the append-only audit log.

-- A person who signs in. The email is unique whatever its case (compared as lower(email)).
CREATE TABLE app_user (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
  name                text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  preferred_language  text NOT NULL DEFAULT 'lv' CHECK (preferred_language IN ('lv', 'en', 'uk')),
  -- "scrypt$<log2 N>$<r>$<p>$<salt>$<key>" (base64url); NULL: no password sign-in.
  password_hash       text,
  -- Sign-in failures since the last success; at the limit the account is locked until locked_until.
  failed_logins       integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until        timestamptz,
  -- Administrator of every municipality (the hosting IT centre); the first administrator is one.
  platform_admin      boolean NOT NULL DEFAULT false,
  disabled            boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email));

-- A user's role in one municipality; a user may belong to several municipalities.
CREATE TABLE membership (
  user_id          bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  role             text NOT NULL CHECK (role IN ('viewer', 'official', 'editor', 'admin')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, municipality_id)
);
CREATE INDEX membership_municipality_idx ON membership (municipality_id);

-- A signed-in browser. The cookie holds a random 256-bit token; only its SHA-256 is stored, so a
-- copy of this table cannot be replayed as cookies.
CREATE TABLE session (
  id            bytea PRIMARY KEY CHECK (length(id) = 32),
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  -- Synchronizer token: state-changing requests carry it in X-CSRF-Token.
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  ip            text,
  user_agent    text CHECK (length(user_agent) <= 512)
);
CREATE INDEX session_user_idx ON session (user_id);
CREATE INDEX session_expires_idx ON session (expires_at);

-- A password reset token (its SHA-256); used once, valid until expires_at.
CREATE TABLE password_reset (
  token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX password_reset_user_idx ON password_reset (user_id);

-- Who did what, when, where: every change and every read of a restricted layer's records.
-- Users and municipalities with entries cannot be deleted (disable them instead): the log keeps
-- its references.
CREATE TABLE audit_log (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at               timestamptz NOT NULL DEFAULT now(),
  user_id          bigint REFERENCES app_user (id),
  municipality_id  integer REFERENCES municipality (id),
  action           text NOT NULL CHECK (action ~ '^[a-z][a-z_.]{0,39}$'),   -- 'read', 'create', 'update', …
  layer_id         text,
  feature_id       text,
  -- Free-form context: {"count": n, "filter": …} for reads, {"before": …, "after": …} for changes.
  details          jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip               text
);
CREATE INDEX audit_log_municipality_at_idx ON audit_log (municipality_id, at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);
CREATE INDEX audit_log_layer_idx ON audit_log (layer_id, at DESC);

-- Append-only whoever asks: UPDATE, DELETE and TRUNCATE raise. In production the application
-- connects as its own role and additionally holds no such privilege:
--   REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM gis_app;
--   GRANT SELECT, INSERT ON audit_log TO gis_app;
-- so that even dropping this trigger needs the owner (a separate migration role).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
