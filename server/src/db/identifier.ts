/**
 * A table or column name as a quoted SQL identifier. Names come from the server's own registry
 * and staging, never from a request; quoting keeps capitals, spaces and diacritics as they are.
 * @param name the identifier as stored
 * @returns it between double quotes, inner quotes doubled
 * @example quoteIdentifier('Platība "m2"') // → '"Platība ""m2"""'
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
