import { accommodationSiteTypes, sewerConnectionStatuses, streetTransferStatuses } from '../layers/domainLayers.js';
import type { LocalizedText } from '../layers/types.js';

/** What a form field holds; 'enum' takes one of `options`. */
export type EditFieldType = 'text' | 'integer' | 'number' | 'date' | 'boolean' | 'enum';

export interface Localized {
  lv: string;
  en: string;
  uk: string;
}

/** One editable column of a domain table, with the rules the server checks before writing. */
export interface EditField {
  name: string;
  title: Localized;
  type: EditFieldType;
  required: boolean;
  min?: number;
  max?: number;
  /** Regular expression (same in JavaScript and PostgreSQL) a text must match. */
  pattern?: string;
  maxLength?: number;
  options?: { value: string; title: Localized }[];
  /** Changed only by the server: status moves through workflow transitions. */
  readOnly?: boolean;
  restricted?: boolean;
}

export type WorkflowId = 'sewer-connections' | 'street-transfers' | 'accommodation';

/** How a domain table is edited: its fields, geometry and workflow. */
export interface EditSpec {
  table: 'sewer_connection' | 'street_transfer' | 'accommodation_site';
  /** The layer key (layer id = `<municipality code>-<key>`). */
  layerKey: string;
  /** The geometry the table stores (EPSG:3059); a Polygon is accepted for a MultiPolygon table. */
  geometryType: 'Point' | 'MultiPolygon';
  workflow: WorkflowId;
  fields: EditField[];
}

/** Latvian cadastre designation of a land unit (zemes vienība): 11 digits, as the demo data and the State Land Service use. */
export const CADASTRE_PARCEL_PATTERN = '^\\d{11}$';

const t = (lv: string, en: string, uk: string): Localized => ({ lv, en, uk });
const full = (x: LocalizedText): Localized => ({ lv: x.lv, en: x.en ?? x.lv, uk: x.uk ?? x.en ?? x.lv });
const options = (values: Record<string, LocalizedText>) => Object.entries(values).map(([value, title]) => ({ value, title: full(title) }));
const field = (name: string, type: EditFieldType, title: Localized, extra: Partial<EditField> = {}): EditField => ({
  name,
  type,
  title,
  required: false,
  ...extra,
});
const text = (name: string, title: Localized, extra: Partial<EditField> = {}) => field(name, 'text', title, { maxLength: 200, ...extra });
const date = (name: string, title: Localized) => field(name, 'date', title);
const eur = (name: string, title: Localized) => field(name, 'number', title, { min: 0, max: 99_999_999 });
const condition = { good: t('Laba', 'Good', 'Добрий'), fair: t('Apmierinoša', 'Fair', 'Задовільний'), poor: t('Slikta', 'Poor', 'Поганий') };
const none = { none: t('Nav', 'None', 'Немає') };

export const editSpecs: EditSpec[] = [
  {
    table: 'sewer_connection',
    layerKey: 'sewer-connections',
    geometryType: 'Point',
    workflow: 'sewer-connections',
    fields: [
      text('property_address', t('Īpašuma adrese', 'Property address', 'Адреса об’єкта'), { required: true }),
      text('cadastre_designation', t('Kadastra apzīmējums', 'Cadastre designation', 'Кадастровий номер'), { pattern: CADASTRE_PARCEL_PATTERN }),
      field('status', 'enum', t('Statuss', 'Status', 'Статус'), { options: options(sewerConnectionStatuses), readOnly: true }),
      date('applied_on', t('Pieteikuma datums', 'Applied on', 'Дата заяви')),
      date('technical_conditions_on', t('Tehnisko noteikumu datums', 'Technical conditions issued on', 'Дата технічних умов')),
      text('technical_conditions_number', t('Tehnisko noteikumu Nr.', 'Technical conditions no.', 'Технічні умови №'), { maxLength: 40 }),
      date('construction_started_on', t('Būvniecības sākums', 'Construction started on', 'Початок будівництва')),
      date('connected_on', t('Pieslēgšanas datums', 'Connected on', 'Дата підключення')),
      date('refused_on', t('Atteikuma datums', 'Refused on', 'Дата відмови')),
      text('refusal_reason', t('Atteikuma iemesls', 'Reason for refusal', 'Причина відмови'), { maxLength: 1000 }),
      eur('cofinancing_eur', t('Līdzfinansējums, EUR', 'Co-financing, EUR', 'Співфінансування, EUR')),
      field('population_equivalent', 'number', t('Cilvēkekvivalents', 'Population equivalent', 'Еквівалент населення'), { min: 0, max: 10_000 }),
      field('current_treatment', 'enum', t('Pašreizējā attīrīšana', 'Current treatment', 'Поточне очищення'), {
        options: options({
          cesspool: t('Krājtvertne', 'Cesspool', 'Вигрібна яма'),
          septic: t('Septiķis', 'Septic tank', 'Септик'),
          none: t('Nav', 'None', 'Немає'),
          other: t('Cita', 'Other', 'Інше'),
        }),
      }),
      text('note', t('Piezīme', 'Note', 'Примітка'), { maxLength: 2000 }),
    ],
  },
  {
    table: 'street_transfer',
    layerKey: 'street-transfers',
    geometryType: 'MultiPolygon',
    workflow: 'street-transfers',
    fields: [
      text('street_name', t('Iela', 'Street', 'Вулиця'), { required: true }),
      text('cadastre_designation', t('Kadastra apzīmējums', 'Cadastre designation', 'Кадастровий номер'), {
        required: true,
        pattern: CADASTRE_PARCEL_PATTERN,
      }),
      field('status', 'enum', t('Statuss', 'Status', 'Статус'), { options: options(streetTransferStatuses), readOnly: true }),
      field('length_m', 'number', t('Garums, m', 'Length, m', 'Довжина, м'), { min: 0, max: 100_000 }),
      field('width_m', 'number', t('Platums, m', 'Width, m', 'Ширина, м'), { min: 0, max: 1000 }),
      field('surface', 'enum', t('Segums', 'Surface', 'Покриття'), {
        options: options({
          asphalt: t('Asfalts', 'Asphalt', 'Асфальт'),
          gravel: t('Grants', 'Gravel', 'Гравій'),
          paving: t('Bruģis', 'Paving', 'Бруківка'),
          soil: t('Grunts', 'Soil', 'Ґрунт'),
          other: t('Cits', 'Other', 'Інше'),
        }),
      }),
      date('applied_on', t('Iesnieguma datums', 'Applied on', 'Дата заяви')),
      date('document_check_on', t('Dokumentu pārbaude', 'Document check on', 'Перевірка документів')),
      date('inspection_on', t('Apsekošanas datums', 'Inspected on', 'Дата обстеження')),
      field('surface_condition', 'enum', t('Seguma stāvoklis', 'Surface condition', 'Стан покриття'), { options: options(condition) }),
      field('lighting_condition', 'enum', t('Apgaismojums', 'Lighting', 'Освітлення'), { options: options({ ...condition, ...none }) }),
      field('drainage_condition', 'enum', t('Lietusūdeņu novadīšana', 'Drainage', 'Водовідведення'), { options: options({ ...condition, ...none }) }),
      text('decision_number', t('Lēmuma Nr.', 'Decision no.', 'Рішення №'), { maxLength: 40 }),
      date('decision_date', t('Lēmuma datums', 'Decision date', 'Дата рішення')),
      date('land_register_on', t('Zemesgrāmatā ierakstīts', 'Land Register entry on', 'Внесено до земельної книги')),
      text('land_register_folio', t('Zemesgrāmatas nodalījums', 'Land Register folio', 'Розділ земельної книги'), { maxLength: 40 }),
      date('accepted_on', t('Pārņemta', 'Accepted on', 'Прийнято')),
      date('rejected_on', t('Noraidīta', 'Rejected on', 'Відхилено')),
      text('rejection_reason', t('Noraidījuma iemesls', 'Reason for rejection', 'Причина відхилення'), { maxLength: 1000 }),
      eur('yearly_maintenance_eur', t('Uzturēšana gadā, EUR', 'Yearly maintenance, EUR', 'Утримання на рік, EUR')),
      text('owner_name', t('Īpašnieks', 'Owner', 'Власник'), { restricted: true }),
      text('note', t('Piezīme', 'Note', 'Примітка'), { maxLength: 2000 }),
    ],
  },
  {
    table: 'accommodation_site',
    layerKey: 'accommodation-sites',
    geometryType: 'Point',
    workflow: 'accommodation',
    fields: [
      text('name', t('Nosaukums', 'Name', 'Назва'), { required: true }),
      field('site_type', 'enum', t('Veids', 'Type', 'Тип'), { required: true, options: options(accommodationSiteTypes) }),
      field('status', 'enum', t('Statuss', 'Status', 'Статус'), {
        readOnly: true,
        options: options({
          planned: t('Plānota', 'Planned', 'Заплановано'),
          active: t('Darbojas', 'In use', 'Діє'),
          closed: t('Slēgta', 'Closed', 'Закрито'),
        }),
      }),
      text('address_text', t('Adrese', 'Address', 'Адреса'), { required: true }),
      field('capacity', 'integer', t('Vietu skaits', 'Capacity', 'Місткість'), { required: true, min: 0, max: 10_000 }),
      field('occupied', 'integer', t('Aizņemts', 'Occupied', 'Зайнято'), { min: 0, max: 10_000 }),
      field('families', 'integer', t('Ģimenes', 'Families', 'Сім’ї'), { min: 0, max: 10_000 }),
      field('children', 'integer', t('Bērni', 'Children', 'Діти'), { min: 0, max: 10_000 }),
      field('accessible', 'boolean', t('Vides pieejamība', 'Step-free access', 'Безбар’єрний доступ')),
      text('accessibility_notes', t('Pieejamības piezīmes', 'Accessibility notes', 'Примітки щодо доступності'), { maxLength: 1000 }),
      date('period_from', t('No', 'From', 'З')),
      date('period_to', t('Līdz', 'Until', 'До')),
      text('contact_person', t('Kontaktpersona', 'Contact person', 'Контактна особа'), { restricted: true }),
      text('contact_phone', t('Tālrunis', 'Phone', 'Телефон'), { restricted: true, maxLength: 30, pattern: '^\\+?[0-9 ()-]{6,30}$' }),
      text('note', t('Piezīme', 'Note', 'Примітка'), { maxLength: 2000 }),
    ],
  },
];

/** The edit spec of a layer's source table, or undefined when the layer is not editable here. */
export const specForTable = (table: string) => editSpecs.find((s) => s.table === table);
export const specForWorkflow = (workflow: WorkflowId) => editSpecs.find((s) => s.workflow === workflow)!;
