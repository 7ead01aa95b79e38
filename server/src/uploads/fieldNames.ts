/** Column names our upload tables use themselves, and SQL words that make awkward column names. */
const reserved = new Set([
  'id', 'geom', 'municipality_id', 'all', 'and', 'any', 'array', 'as', 'asc', 'between', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_date', 'current_time', 'current_user', 'default', 'desc',
  'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having',
  'in', 'into', 'is', 'join', 'leading', 'limit', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'primary',
  'references', 'select', 'table', 'then', 'to', 'true', 'union', 'unique', 'user', 'using', 'when', 'where', 'with',
  'ctid', 'oid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid',
]);

/** Latvian and other letters that do not decompose into an ASCII letter plus a mark. */
const special: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * ASCII column names for a file's field names, in order: diacritics folded (`Īpašnieks` →
 * `ipasnieks`), lower case, other characters as `_`, no leading digit, no reserved words, at most
 * 63 bytes, duplicates numbered. The original name stays as the field's title.
 * @example sanitizeFieldNames(['Nosaukums', 'ID', 'nosaukums']) // ['nosaukums', 'id_1', 'nosaukums_2']
 */
export function sanitizeFieldNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((original) => {
    let name = original
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\x00-\x7f]/g, (c) => special[c] ?? '_')
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '');
    if (!name) name = 'field';
    if (/^[0-9]/.test(name)) name = `f_${name}`;
    if (reserved.has(name)) name = `${name}_1`;
    name = name.slice(0, 60);
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name.slice(0, 60 - String(n).length - 1)}_${n}`;
    used.add(candidate);
    return candidate;
  });
}
