/** The shareable state of the Dashboards page, kept in the hash: `#/dashboards/<id>?unit=&from=&to=`. */
export const dashboardIds = ['sewer', 'streets', 'accommodation'] as const;
export type DashboardId = (typeof dashboardIds)[number];

export interface DashboardView {
  id: DashboardId;
  unit: number | null;
  from: string | null;
  to: string | null;
}

const isDate = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);

/** Reads the view from a hash; anything unknown falls back to the sewer dashboard without filters. */
export function parseDashboardHash(hash: string): DashboardView {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const id = path.split('/')[1];
  const params = new URLSearchParams(query);
  const unit = Number(params.get('unit'));
  return {
    id: (dashboardIds as readonly string[]).includes(id) ? (id as DashboardId) : 'sewer',
    unit: Number.isInteger(unit) && unit > 0 ? unit : null,
    from: isDate(params.get('from')),
    to: isDate(params.get('to')),
  };
}

/** The query string of the view's filters, as the API and the hash take them. */
export function filterQuery(view: DashboardView): string {
  const params = new URLSearchParams();
  if (view.unit) params.set('unit', String(view.unit));
  if (view.from) params.set('from', view.from);
  if (view.to) params.set('to', view.to);
  const q = params.toString();
  return q ? `?${q}` : '';
}

/** The hash that opens the same view. */
export const dashboardHash = (view: DashboardView) => `#/dashboards/${view.id}${filterQuery(view)}`;
