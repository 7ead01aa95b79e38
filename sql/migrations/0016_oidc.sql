-- OpenID Connect sign-in per municipality (issue 5): the municipality's identity provider, how its
-- groups map to roles, the external identities linked to accounts, and sign-ins under way.

CREATE TABLE oidc_provider (
  municipality_id  integer PRIMARY KEY REFERENCES municipality (id) ON DELETE CASCADE,
  issuer           text NOT NULL CHECK (issuer ~ '^https?://[^\s]+$' AND length(issuer) <= 500),
  client_id        text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
  -- Kept on the server; the API shows only its last four characters.
  client_secret    text NOT NULL CHECK (length(client_secret) BETWEEN 1 AND 500),
  display_name     text NOT NULL DEFAULT 'OpenID Connect' CHECK (length(display_name) BETWEEN 1 AND 80),
  scopes           text NOT NULL DEFAULT 'openid email profile' CHECK (scopes ~ '(^| )openid( |$)'),
  -- The ID token claim that lists the user's groups.
  groups_claim     text NOT NULL DEFAULT 'groups' CHECK (groups_claim ~ '^[A-Za-z0-9_:.\-/]{1,100}$'),
  -- {"<group>": "viewer" | "official" | "editor" | "admin"}; the strongest matching role wins.
  role_map         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(role_map) = 'object'),
  enabled          boolean NOT NULL DEFAULT true,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- An account's identity at a provider: (issuer, subject) is stable, an email may change.
CREATE TABLE user_identity (
  issuer      text NOT NULL,
  subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_login  timestamptz,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identity_user_idx ON user_identity (user_id);

-- A sign-in sent to the provider and not back yet: its state (SHA-256), nonce and PKCE verifier.
-- Used once; expires after 10 minutes.
CREATE TABLE oidc_login (
  state_hash       bytea PRIMARY KEY CHECK (length(state_hash) = 32),
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  nonce            text NOT NULL,
  code_verifier    text NOT NULL,
  redirect_uri     text NOT NULL,
  expires_at       timestamptz NOT NULL
);

SELECT apply_tenant_policies();
