import type pg from 'pg';
import type { LayerDefinition, LayerField, LocalizedText } from './types.js';

type Template = Omit<LayerDefinition, 'id' | 'municipalityId' | 'dataVersion' | 'description' | 'minZoom' | 'maxZoom' | 'sortOrder'> & {
  key: string;
  minZoom?: number;
};

const t = (lv: string, en: string, uk: string): LocalizedText => ({ lv, en, uk });

export const sewerConnectionStatuses: Record<string, LocalizedText> = {
  not_connected: t('Nav pieslēgts', 'Not connected', 'Не підключено'),
  applied: t('Iesniegts pieteikums', 'Applied', 'Подано заявку'),
  technical_conditions: t('Izsniegti tehniskie noteikumi', 'Technical conditions issued', 'Видано технічні умови'),
  construction: t('Būvniecība', 'Under construction', 'Будівництво'),
  connected: t('Pieslēgts', 'Connected', 'Підключено'),
  refused: t('Atteikts', 'Refused', 'Відмовлено'),
};

export const streetTransferStatuses: Record<string, LocalizedText> = {
  application: t('Iesniegums', 'Application', 'Заява'),
  document_check: t('Dokumentu pārbaude', 'Document check', 'Перевірка документів'),
  inspection: t('Apsekošana', 'Inspection', 'Обстеження'),
  council_decision: t('Domes lēmums', 'Council decision', 'Рішення ради'),
  land_register: t('Zemesgrāmata', 'Land Register', 'Земельна книга'),
  accepted: t('Pārņemta', 'Accepted', 'Прийнято'),
  rejected: t('Noraidīta', 'Rejected', 'Відхилено'),
};

export const accommodationSiteTypes: Record<string, LocalizedText> = {
  municipal: t('Pašvaldības', 'Municipal', 'Муніципальне'),
  hotel: t('Viesnīca', 'Hotel', 'Готель'),
  dormitory: t('Dienesta viesnīca', 'Dormitory', 'Гуртожиток'),
  private_house: t('Privātmāja', 'Private house', 'Приватний будинок'),
  apartment: t('Dzīvoklis', 'Apartment', 'Квартира'),
  other: t('Cits', 'Other', 'Інше'),
};

const f = (name: string, type: LayerField['type'], title: LocalizedText, extra: Partial<LayerField> = {}): LayerField => ({
  name,
  type,
  title,
  ...extra,
});

/** MapLibre `match` expression colouring a status field. */
const byStatus = (field: string, colours: Record<string, string>, fallback = '#888888') => [
  'match',
  ['get', field],
  ...Object.entries(colours).flat(),
  fallback,
];

const circle = (color: unknown, radius = 5) => ({
  type: 'circle',
  paint: { 'circle-color': color, 'circle-radius': radius, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
});

const facility = (key: string, category: string, title: LocalizedText, color: string, group: Template['group']): Template => ({
  key,
  group,
  title,
  sourceTable: 'facility',
  idColumn: 'id',
  geometryColumn: 'geom',
  sourceFilter: { category },
  geometryType: 'Point',
  fields: [
    f('name', 'text', t('Nosaukums', 'Name', 'Назва')),
    f('address_text', 'text', t('Adrese', 'Address', 'Адреса'), { format: 'address' }),
    f('opening_hours', 'text', t('Darba laiks', 'Opening hours', 'Години роботи')),
  ],
  style: circle(color, 6),
  restricted: false,
});

/** The layers every municipality gets, drawn from the domain tables. */
export const domainLayerTemplates: Template[] = [
  {
    key: 'parishes',
    group: 'reference',
    title: t('Pagasti un pilsētas', 'Parishes and towns', 'Волості та міста'),
    sourceTable: 'territorial_unit',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: { kind: ['parish', 'town'] },
    geometryType: 'MultiPolygon',
    fields: [
      f('name', 'text', t('Nosaukums', 'Name', 'Назва')),
      f('kind', 'text', t('Veids', 'Kind', 'Тип'), {
        values: { parish: t('Pagasts', 'Parish', 'Волость'), town: t('Pilsēta', 'Town', 'Місто') },
      }),
      f('atvk_code', 'text', t('ATVK kods', 'ATVK code', 'Код ATVK')),
    ],
    style: { type: 'line', paint: { 'line-color': '#6a3d9a', 'line-width': 2, 'line-dasharray': [3, 2] } },
    restricted: false,
  },
  {
    key: 'villages',
    group: 'reference',
    title: t('Ciemi', 'Villages', 'Селища'),
    sourceTable: 'territorial_unit',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: { kind: 'village' },
    geometryType: 'MultiPolygon',
    fields: [f('name', 'text', t('Nosaukums', 'Name', 'Назва')), f('atvk_code', 'text', t('ATVK kods', 'ATVK code', 'Код ATVK'))],
    style: { type: 'fill', paint: { 'fill-color': '#cab2d6', 'fill-opacity': 0.25, 'fill-outline-color': '#6a3d9a' } },
    restricted: false,
  },
  {
    key: 'addresses',
    group: 'reference',
    title: t('Adreses', 'Addresses', 'Адреси'),
    sourceTable: 'address',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'Point',
    fields: [
      f('code', 'integer', t('Adreses kods', 'Address code', 'Код адреси')),
      f('full_address', 'text', t('Adrese', 'Address', 'Адреса'), { format: 'address' }),
      f('name', 'text', t('Nosaukums / Nr.', 'Name / No.', 'Назва / №')),
      f('postcode', 'text', t('Pasta indekss', 'Postcode', 'Поштовий індекс')),
      f('status', 'text', t('Statuss', 'Status', 'Статус')),
    ],
    style: circle('#555555', 3),
    restricted: false,
    minZoom: 13,
  },
  facility('schools', 'school', t('Skolas', 'Schools', 'Школи'), '#1f78b4', 'reference'),
  facility('kindergartens', 'kindergarten', t('Pirmsskolas iestādes', 'Kindergartens', 'Дитячі садки'), '#a6cee3', 'reference'),
  facility('family-doctors', 'family_doctor', t('Ģimenes ārsti', 'Family doctors', 'Сімейні лікарі'), '#e31a1c', 'reference'),
  facility('shops', 'shop', t('Veikali', 'Shops', 'Магазини'), '#ff7f00', 'reference'),
  facility('bus-stops', 'bus_stop', t('Autobusu pieturas', 'Bus stops', 'Автобусні зупинки'), '#33a02c', 'reference'),
  facility('aid-points', 'aid_point', t('Palīdzības izsniegšanas punkti', 'Aid distribution points', 'Пункти видачі допомоги'), '#b15928', 'accommodation'),
  {
    key: 'sewer-mains',
    group: 'sewer',
    title: t('Kanalizācijas vadi', 'Sewer mains', 'Каналізаційні мережі'),
    sourceTable: 'sewer_main',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'LineString',
    fields: [
      f('kind', 'text', t('Veids', 'Kind', 'Тип'), {
        values: { gravity: t('Pašteces', 'Gravity', 'Самопливна'), pressure: t('Spiedvads', 'Pressure', 'Напірна') },
      }),
      f('diameter_mm', 'integer', t('Diametrs, mm', 'Diameter, mm', 'Діаметр, мм')),
      f('material', 'text', t('Materiāls', 'Material', 'Матеріал')),
      f('year_built', 'integer', t('Izbūves gads', 'Year built', 'Рік будівництва')),
      f('operator', 'text', t('Apsaimniekotājs', 'Operator', 'Оператор')),
    ],
    style: {
      type: 'line',
      paint: { 'line-color': byStatus('kind', { gravity: '#8c510a', pressure: '#d95f02' }), 'line-width': 2.5 },
    },
    restricted: false,
  },
  {
    key: 'sewer-manholes',
    group: 'sewer',
    title: t('Kanalizācijas akas', 'Sewer manholes', 'Каналізаційні колодязі'),
    sourceTable: 'sewer_manhole',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'Point',
    fields: [f('code', 'text', t('Numurs', 'Number', 'Номер')), f('depth_m', 'number', t('Dziļums, m', 'Depth, m', 'Глибина, м'))],
    style: circle('#8c510a', 3),
    restricted: false,
    minZoom: 14,
  },
  {
    key: 'sewer-connections',
    group: 'sewer',
    title: t('Kanalizācijas pieslēgumi', 'Sewer connections', 'Підключення до каналізації'),
    sourceTable: 'sewer_connection',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'Point',
    fields: [
      f('property_address', 'text', t('Īpašuma adrese', 'Property address', 'Адреса об’єкта'), { format: 'address' }),
      f('cadastre_designation', 'text', t('Kadastra apzīmējums', 'Cadastre designation', 'Кадастровий номер'), { format: 'cadastre' }),
      f('status', 'text', t('Statuss', 'Status', 'Статус'), { format: 'status', values: sewerConnectionStatuses }),
      f('applied_on', 'date', t('Pieteikuma datums', 'Applied on', 'Дата заяви')),
      f('connected_on', 'date', t('Pieslēgšanas datums', 'Connected on', 'Дата підключення')),
      f('cofinancing_eur', 'number', t('Līdzfinansējums, EUR', 'Co-financing, EUR', 'Співфінансування, EUR'), { format: 'eur' }),
      f('population_equivalent', 'number', t('Cilvēkekvivalents', 'Population equivalent', 'Еквівалент населення')),
      f('current_treatment', 'text', t('Pašreizējā attīrīšana', 'Current treatment', 'Поточне очищення'), {
        values: {
          cesspool: t('Krājtvertne', 'Cesspool', 'Вигрібна яма'),
          septic: t('Septiķis', 'Septic tank', 'Септик'),
          none: t('Nav', 'None', 'Немає'),
          other: t('Cita', 'Other', 'Інше'),
        },
      }),
    ],
    style: circle(
      byStatus('status', {
        not_connected: '#d7191c',
        applied: '#fdae61',
        technical_conditions: '#ffffbf',
        construction: '#abd9e9',
        connected: '#1a9641',
        refused: '#636363',
      }),
      5,
    ),
    restricted: false,
  },
  {
    key: 'street-transfers',
    group: 'streets',
    title: t('Privāto ielu atdāvināšana', 'Private street transfers', 'Передача приватних вулиць'),
    sourceTable: 'street_transfer',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'MultiPolygon',
    fields: [
      f('street_name', 'text', t('Iela', 'Street', 'Вулиця')),
      f('cadastre_designation', 'text', t('Kadastra apzīmējums', 'Cadastre designation', 'Кадастровий номер'), { format: 'cadastre' }),
      f('status', 'text', t('Statuss', 'Status', 'Статус'), { format: 'status', values: streetTransferStatuses }),
      f('length_m', 'number', t('Garums, m', 'Length, m', 'Довжина, м')),
      f('width_m', 'number', t('Platums, m', 'Width, m', 'Ширина, м')),
      f('surface', 'text', t('Segums', 'Surface', 'Покриття'), {
        values: {
          asphalt: t('Asfalts', 'Asphalt', 'Асфальт'),
          gravel: t('Grants', 'Gravel', 'Гравій'),
          paving: t('Bruģis', 'Paving', 'Бруківка'),
          soil: t('Grunts', 'Soil', 'Ґрунт'),
          other: t('Cits', 'Other', 'Інше'),
        },
      }),
      f('applied_on', 'date', t('Iesnieguma datums', 'Applied on', 'Дата заяви')),
      f('decision_number', 'text', t('Lēmuma Nr.', 'Decision no.', 'Рішення №')),
      f('decision_date', 'date', t('Lēmuma datums', 'Decision date', 'Дата рішення')),
      f('yearly_maintenance_eur', 'number', t('Uzturēšana gadā, EUR', 'Yearly maintenance, EUR', 'Утримання на рік, EUR'), { format: 'eur' }),
      f('owner_name', 'text', t('Īpašnieks', 'Owner', 'Власник'), { restricted: true }),
    ],
    style: {
      type: 'fill',
      paint: {
        'fill-color': byStatus('status', {
          application: '#fee08b',
          document_check: '#fdae61',
          inspection: '#f46d43',
          council_decision: '#d53e4f',
          land_register: '#3288bd',
          accepted: '#1a9850',
          rejected: '#969696',
        }),
        'fill-opacity': 0.7,
        'fill-outline-color': '#333333',
      },
    },
    restricted: false,
  },
  {
    key: 'accommodation-sites',
    group: 'accommodation',
    title: t('Bēgļu izmitināšanas vietas', 'Refugee accommodation sites', 'Місця розміщення біженців'),
    sourceTable: 'accommodation_site',
    idColumn: 'id',
    geometryColumn: 'geom',
    sourceFilter: {},
    geometryType: 'Point',
    fields: [
      f('name', 'text', t('Nosaukums', 'Name', 'Назва')),
      f('site_type', 'text', t('Veids', 'Type', 'Тип'), { values: accommodationSiteTypes }),
      f('address_text', 'text', t('Adrese', 'Address', 'Адреса'), { format: 'address' }),
      f('capacity', 'integer', t('Vietu skaits', 'Capacity', 'Місткість')),
      f('occupied', 'integer', t('Aizņemts', 'Occupied', 'Зайнято')),
      f('families', 'integer', t('Ģimenes', 'Families', 'Сім’ї')),
      f('children', 'integer', t('Bērni', 'Children', 'Діти')),
      f('accessible', 'boolean', t('Vides pieejamība', 'Step-free access', 'Безбар’єрний доступ')),
      f('period_from', 'date', t('No', 'From', 'З')),
      f('period_to', 'date', t('Līdz', 'Until', 'До')),
      f('contact_person', 'text', t('Kontaktpersona', 'Contact person', 'Контактна особа'), { restricted: true }),
      f('contact_phone', 'text', t('Tālrunis', 'Phone', 'Телефон'), { restricted: true }),
    ],
    style: circle('#6a51a3', 7),
    restricted: true,
  },
];

/** Registers the domain layers for a municipality; ids are `<municipality code>-<key>`. */
export async function registerDomainLayers(db: pg.PoolClient | pg.Pool, municipality: { id: number; code: string }): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, l] of domainLayerTemplates.entries()) {
    const id = `${municipality.code}-${l.key}`;
    await db.query(
      `INSERT INTO layer (id, municipality_id, layer_group, title, source_table, id_column, geometry_column,
                          source_filter, geometry_type, fields, style, restricted, min_zoom, sort_order)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, fields = EXCLUDED.fields, style = EXCLUDED.style,
         source_filter = EXCLUDED.source_filter, restricted = EXCLUDED.restricted, min_zoom = EXCLUDED.min_zoom,
         sort_order = EXCLUDED.sort_order, updated_at = now()`,
      [
        id,
        municipality.id,
        l.group,
        JSON.stringify(l.title),
        l.sourceTable,
        l.idColumn,
        l.geometryColumn,
        JSON.stringify(l.sourceFilter),
        l.geometryType,
        JSON.stringify(l.fields),
        JSON.stringify(l.style),
        l.restricted,
        l.minZoom ?? 0,
        (i + 1) * 10,
      ],
    );
    ids.push(id);
  }
  return ids;
}
