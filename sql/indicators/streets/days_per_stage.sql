-- Days spent in each stage of the process: the median over stages completed within the period
-- (from the status history: the time from entering a status to entering the next one), and how
-- many streets are in the stage at the end of the period.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
)
, streets AS (
  SELECT s.id, s.status FROM p, street_transfers_at($1::integer, p.area, p.date_to) s
), steps AS (
  SELECT h.to_status AS stage,
         lead(h.changed_at) OVER (PARTITION BY h.entity_id ORDER BY h.changed_at, h.id) AS left_at,
         h.changed_at AS entered_at
    FROM status_history h JOIN streets s ON s.id = h.entity_id
   WHERE h.entity = 'street_transfer' AND h.municipality_id = $1::integer AND h.to_status IS NOT NULL
), done AS (
  SELECT steps.stage, extract(epoch FROM steps.left_at - steps.entered_at) / 86400 AS days
    FROM steps, p
   WHERE steps.left_at IS NOT NULL
     AND (p.date_from IS NULL OR steps.left_at >= p.date_from) AND (p.date_to IS NULL OR steps.left_at < p.date_to + 1)
)
SELECT k.stage AS category,
       coalesce(round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d.days) FROM done d WHERE d.stage = k.stage)::numeric, 1), 0)::float8 AS median_days,
       (SELECT count(*) FROM streets s WHERE s.status = k.stage)::int AS waiting_now
  FROM unnest(ARRAY['application', 'document_check', 'inspection', 'council_decision', 'land_register']) WITH ORDINALITY AS k(stage, ord)
 ORDER BY k.ord
