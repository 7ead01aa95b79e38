/** The column type of each OGR field type in a published layer (anything else is text). */
const columnType: Record<string, string> = {
  Integer: 'integer',
  Integer64: 'double precision',
  Real: 'double precision',
  Boolean: 'boolean',
  Date: 'date',
  DateTime: 'timestamptz',
};

/**
 * The PostgreSQL type a field of an OGR type is published as.
 * @param ogrType OGR's type name (`Integer`, `Real`, `String`, …)
 * @returns the column type, `text` for types without one of their own
 * @example publishedColumnType('Integer64') // → 'double precision'
 */
export function publishedColumnType(ogrType: string): string {
  return columnType[ogrType] ?? 'text';
}
