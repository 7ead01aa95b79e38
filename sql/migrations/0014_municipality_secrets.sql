-- Service keys of a municipality (issue 5: WMS keys among the municipality settings), e.g. its own
-- LĢIA WMS subscription key under the name the WMS catalog gives it (keyEnv, "LGIA_WMS_KEY").
-- They stay on the server: the API shows only their last four characters. A municipality's key is
-- used for its requests before the server-wide one from the environment.
CREATE TABLE municipality_secret (
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  name             text NOT NULL CHECK (name ~ '^[A-Z][A-Z0-9_]{0,62}$'),
  value            text NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       bigint REFERENCES app_user (id) ON DELETE SET NULL,
  PRIMARY KEY (municipality_id, name)
);
SELECT apply_tenant_policies();
