-- Who reads a layer's records (issue 5): the weakest role of its municipality that may, or NULL for
-- the default of its kind: public for ordinary layers, editor for layers with personal data
-- (restricted). Administrators change it per layer; personal data is never made public.
ALTER TABLE layer
  ADD COLUMN read_role text CHECK (read_role IN ('public', 'viewer', 'official', 'editor', 'admin')),
  ADD CONSTRAINT layer_personal_data_not_public CHECK (NOT (restricted AND read_role = 'public'));
