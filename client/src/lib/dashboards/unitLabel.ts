import type { IndicatorResult, IndicatorRow } from '../../../../server/src/dashboards/types';
import type { Locale } from '../i18n/messages';
import { translate } from '../i18n/messages';

/**
 * The label of a row of a `units` indicator in the UI language: the unit's name, or for the row of
 * what lies in none of its units (no unit id) "outside any settlement" (or "outside any parish or
 * town" for a breakdown by parish), so the rows shown add up to the total.
 */
export function unitRowLabel(indicator: Pick<IndicatorResult, 'unitKind'>, row: IndicatorRow, locale: Locale): string {
  if (row.unit_id !== null && row.unit_id !== undefined) return String(row.name);
  return translate(locale, indicator.unitKind === 'parish' ? 'dashboards.outsideParish' : 'dashboards.outsideSettlement', {});
}
