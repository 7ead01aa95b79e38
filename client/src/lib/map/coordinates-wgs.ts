/** "56.897714° N, 24.000000° E" — six decimals are about 0.1 m. */
export function formatWgs84(lon: number, lat: number, locale: string): string {
  const deg = new Intl.NumberFormat(locale, { minimumFractionDigits: 6, maximumFractionDigits: 6 });
  return `${deg.format(Math.abs(lat))}° ${lat >= 0 ? 'N' : 'S'}, ${deg.format(Math.abs(lon))}° ${lon >= 0 ? 'E' : 'W'}`;
}
