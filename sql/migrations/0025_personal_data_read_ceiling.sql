-- Issue 16 item 8: a layer holding personal data (restricted) is read at most by officials and
-- stronger roles, as README and docs/accounts.md say; the API refuses wider roles
-- (server/src/access/layerAccess.ts assertReadRoleAllowed) and this constraint holds for any
-- other writer too. 0015 already keeps such a layer from being public.
-- A layer an administrator had already opened to viewers is narrowed to officials first, the
-- widest role it may have, so the constraint can be added.
UPDATE layer SET read_role = 'official', updated_at = now() WHERE restricted AND read_role = 'viewer';

ALTER TABLE layer
  ADD CONSTRAINT layer_personal_data_ceiling CHECK (NOT restricted OR read_role IS NULL OR read_role IN ('official', 'editor', 'admin'));
