import { accommodationSiteTypes, sewerConnectionStatuses, streetTransferStatuses } from '../layers/domainLayers.js';
import type { LocalizedText } from '../layers/types.js';
import type { DashboardId, IndicatorColumn, IndicatorDefinition, Measure } from './types.js';

const t = (lv: string, en: string, uk: string): LocalizedText => ({ lv, en, uk });
const column = (name: string, measure: Measure, title: LocalizedText): IndicatorColumn => ({ name, measure, title });
const pick = (all: Record<string, LocalizedText>, codes: string[]) => Object.fromEntries(codes.map((c) => [c, all[c]]));

/**
 * A dashboard: the decision question it answers, its main layer (listed, compared), its
 * indicators; each indicator names every layer it reads, and the access module decides per
 * indicator (server/src/dashboards/service.ts).
 */
export interface DashboardDefinition {
  id: DashboardId;
  title: LocalizedText;
  question: LocalizedText;
  /** The domain layer (key of server/src/layers/domainLayers.ts) the dashboard is about. */
  layerKey: string;
  indicators: IndicatorDefinition[];
  /**
   * For a dashboard of personal data (indicators with `recordCount`): the SQL file (under
   * sql/indicators/) giving the record counts of the protected table per unit of `unitKinds` and
   * category, at each point in time, from which every view's suppression is decided
   * (dashboards/suppressionCells.ts).
   */
  protection?: { cells: string; unitKinds: string[] };
}

const sewer: DashboardDefinition = {
  id: 'sewer',
  title: t('Kanalizācijas pieslēgumi', 'Sewer connections', 'Підключення до каналізації'),
  question: t(
    'Kur ieguldīt nākamo kanalizācijas pieslēgumu līdzfinansējuma kārtu?',
    'Where should the next round of sewer connection co-financing go?',
    'Куди спрямувати наступний раунд співфінансування підключень до каналізації?',
  ),
  layerKey: 'sewer-connections',
  indicators: [
    {
      id: 'sewer.connection_rate',
      layers: ['sewer-connections'],
      kind: 'kpi',
      headline: true,
      title: t('Pieslēgumu īpatsvars', 'Connection rate', 'Частка підключень'),
      definition: t(
        'Pieslēgto īpašumu daļa no visiem pieslēgumu reģistra īpašumiem (katrs īpašums pie maģistrāles tiek reģistrēts apsekošanā) perioda beigās; pēc statusu vēstures.',
        'Properties connected, as a share of all properties in the register of sewer connections (every property near a main is registered when surveyed), at the end of the period; from the status history.',
        'Частка підключених об’єктів серед усіх об’єктів реєстру підключень (кожен об’єкт біля магістралі реєструється під час обстеження) на кінець періоду; за історією статусів.',
      ),
      columns: [column('value', 'percent', t('Pieslēgti', 'Connected', 'Підключено'))],
    },
    {
      id: 'sewer.unconnected_near_main',
      layers: ['sewer-connections', 'sewer-mains', 'addresses'],
      kind: 'kpi',
      title: t('Nepieslēgti 50 m no maģistrāles', 'Not connected within 50 m of a main', 'Не підключені в межах 50 м від магістралі'),
      definition: t(
        'Īpašumi līdz 50 m no kanalizācijas maģistrāles, kas perioda beigās (bez perioda — šodien) nebija pieslēgti: reģistra ieraksti jebkurā tā brīža statusā, izņemot "pieslēgts", un adreses bez reģistra ieraksta.',
        'Properties within 50 m of a sewer main that were not connected at the end of the period (today when none is chosen): register records in any status but "connected" then, and addresses with no record.',
        'Об’єкти в межах 50 м від каналізаційної магістралі, не підключені на кінець періоду (без періоду — сьогодні): записи реєстру в будь-якому тодішньому статусі, крім "підключено", та адреси без запису.',
      ),
      columns: [column('value', 'count', t('Īpašumi', 'Properties', "Об'єкти"))],
    },
    {
      id: 'sewer.by_settlement',
      layers: ['sewer-connections', 'sewer-mains', 'addresses', 'villages', 'parishes'],
      kind: 'units',
      unitKind: 'settlement',
      title: t('Pieslēgumi pa apdzīvotām vietām', 'Connections by settlement', 'Підключення за населеними пунктами'),
      definition: t(
        'Katrā pilsētā un ciemā: pieslēgumu īpatsvars perioda beigās, tobrīd pieslēgtie un reģistrētie īpašumi, un īpašumi līdz 50 m no maģistrāles, kas tobrīd nebija pieslēgti. Īpašumi ārpus apdzīvotām vietām ir atsevišķā rindā, tāpēc rindu summa ir kopskaits.',
        'In each town and village: the connection rate at the end of the period, the properties connected and registered then, and the properties within 50 m of a main not connected then. Properties outside any settlement are a row of their own, so the rows add up to the total.',
        'У кожному місті та селі: частка підключень на кінець періоду, підключені та зареєстровані тоді об’єкти, а також об’єкти в межах 50 м від магістралі, тоді не підключені. Об’єкти поза населеними пунктами — окремим рядком, тож сума рядків дорівнює загальній.',
      ),
      columns: [
        column('rate', 'percent', t('Pieslēgumu īpatsvars', 'Connection rate', 'Частка підключень')),
        column('connected', 'count', t('Pieslēgti', 'Connected', 'Підключено')),
        column('properties', 'count', t('Reģistrā', 'Registered', 'У реєстрі')),
        column('unconnected_near_main', 'count', t('Nepieslēgti līdz 50 m', 'Not connected within 50 m', 'Не підключені до 50 м')),
      ],
    },
    {
      id: 'sewer.by_parish',
      layers: ['sewer-connections', 'sewer-mains', 'addresses', 'parishes'],
      kind: 'units',
      unitKind: 'parish',
      title: t('Pieslēgumi pa pagastiem', 'Connections by parish', 'Підключення за волостями'),
      definition: t(
        'Katrā pagastā un pilsētā: pieslēgumu īpatsvars perioda beigās, tobrīd pieslēgtie un reģistrētie īpašumi, un īpašumi līdz 50 m no maģistrāles, kas tobrīd nebija pieslēgti; rindu summa ir kopskaits.',
        'In each parish and town: the connection rate at the end of the period, the properties connected and registered then, and the properties within 50 m of a main not connected then; the rows add up to the total.',
        'У кожній волості та місті: частка підключень на кінець періоду, підключені та зареєстровані тоді об’єкти, а також об’єкти в межах 50 м від магістралі, тоді не підключені; сума рядків дорівнює загальній.',
      ),
      columns: [
        column('rate', 'percent', t('Pieslēgumu īpatsvars', 'Connection rate', 'Частка підключень')),
        column('connected', 'count', t('Pieslēgti', 'Connected', 'Підключено')),
        column('properties', 'count', t('Reģistrā', 'Registered', 'У реєстрі')),
        column('unconnected_near_main', 'count', t('Nepieslēgti līdz 50 m', 'Not connected within 50 m', 'Не підключені до 50 м')),
      ],
    },
    {
      id: 'sewer.pipeline_by_status',
      layers: ['sewer-connections'],
      kind: 'categories',
      title: t('Pieteikumi procesā', 'Applications in the pipeline', 'Заявки в процесі'),
      definition: t(
        'Perioda beigās (bez perioda — šodien) procesā esošie pieteikumi pa tā brīža statusiem: skaits un cik dienas līdz perioda beigām tie gaidīja kopš pieteikuma (mediāna un ilgākais); vēlāk iesniegtie netiek skaitīti.',
        'Applications in the pipeline at the end of the period (today when none is chosen) by their status then: how many, and how many days they had waited since applying, up to the end of the period (median and longest); applications filed later are not counted.',
        'Заявки в процесі на кінець періоду (без періоду — сьогодні) за тодішніми статусами: кількість і скільки днів вони чекали від подання до кінця періоду (медіана та найдовше); пізніше подані не враховуються.',
      ),
      categories: pick(sewerConnectionStatuses, ['applied', 'technical_conditions', 'construction']),
      columns: [
        column('applications', 'count', t('Pieteikumi', 'Applications', 'Заявки')),
        column('median_days', 'days', t('Gaida (mediāna), dienas', 'Waiting (median), days', 'Очікування (медіана), днів')),
        column('longest_days', 'days', t('Ilgākā gaidīšana, dienas', 'Longest wait, days', 'Найдовше очікування, днів')),
      ],
    },
    {
      id: 'sewer.longest_waiting',
      layers: ['sewer-connections'],
      kind: 'table',
      title: t('Ilgāk gaidošie pieteikumi', 'Longest-waiting applications', 'Заявки, що чекають найдовше'),
      definition: t(
        'Desmit perioda beigās (bez perioda — šodien) procesā esošie pieteikumi, kas līdz tam gaidīja visilgāk kopš pieteikuma datuma.',
        'The ten applications in the pipeline at the end of the period (today when none is chosen) that had waited longest by then since the application date.',
        'Десять заявок у процесі на кінець періоду (без періоду — сьогодні), які на той час чекали найдовше від дати подання.',
      ),
      categories: sewerConnectionStatuses,
      fields: [
        { name: 'address', title: t('Adrese', 'Address', 'Адреса') },
        { name: 'status', title: t('Statuss', 'Status', 'Статус') },
        { name: 'applied_on', title: t('Pieteikts', 'Applied on', 'Подано') },
      ],
      columns: [column('days', 'days', t('Gaida, dienas', 'Waiting, days', 'Очікування, днів'))],
    },
    {
      id: 'sewer.cofinancing_by_year',
      layers: ['sewer-connections'],
      kind: 'series',
      title: t('Piešķirtais līdzfinansējums pa gadiem', 'Co-financing granted per year', 'Надане співфінансування за роками'),
      definition: t(
        'Līdzfinansējuma summa un pieslēgumu skaits ar līdzfinansējumu pēc būvdarbu sākuma gada (kad noslēdz līgumu) vai pieslēgšanas gada.',
        'The sum of co-financing and the number of connections with co-financing, by the year construction started (when the agreement is made) or, without it, the year connected.',
        'Сума співфінансування та кількість підключень зі співфінансуванням за роком початку будівництва (коли укладається угода) або роком підключення.',
      ),
      columns: [
        column('cofinancing_eur', 'eur', t('Līdzfinansējums', 'Co-financing', 'Співфінансування')),
        column('connections', 'count', t('Pieslēgumi', 'Connections', 'Підключення')),
      ],
    },
    {
      id: 'sewer.connections_by_month',
      layers: ['sewer-connections'],
      kind: 'series',
      title: t('Jauni pieslēgumi pa mēnešiem', 'New connections per month', 'Нові підключення за місяцями'),
      definition: t(
        'Pieslēgto īpašumu skaits katrā perioda mēnesī pēc pieslēgšanas datuma (bez perioda — pēdējie 24 mēneši).',
        'Properties connected in each month of the period, by the connection date (without a period: the last 24 months).',
        "Кількість підключених об'єктів у кожному місяці періоду за датою підключення (без періоду — останні 24 місяці).",
      ),
      columns: [column('connections', 'count', t('Pieslēgumi', 'Connections', 'Підключення'))],
    },
  ],
};

const streetsInTransfer = ['application', 'document_check', 'inspection', 'council_decision', 'land_register'];

const streets: DashboardDefinition = {
  id: 'streets',
  title: t('Privāto ielu pārņemšana', 'Private street transfers', 'Передача приватних вулиць'),
  question: t(
    'Cik ielu tīkla vēl ir privāts, kur process iestrēdzis un ko pārņemšana maksās?',
    'How much of the street network is still private, where is the process stuck, and what will taking it over cost?',
    'Яка частина вуличної мережі ще приватна, де процес застряг і скільки коштуватиме передача?',
  ),
  layerKey: 'street-transfers',
  indicators: [
    {
      id: 'streets.km_accepted',
      layers: ['street-transfers'],
      kind: 'kpi',
      headline: true,
      title: t('Pārņemtas ielas, km', 'Streets taken over, km', 'Прийняті вулиці, км'),
      definition: t(
        'Pašvaldībā pieņemto ielu garums (statuss "pieņemta") ar pieņemšanas datumu līdz perioda beigām.',
        'Length of the streets accepted by the municipality (status "accepted") with an acceptance date up to the end of the period.',
        'Довжина вулиць, прийнятих муніципалітетом (статус "прийнято"), з датою прийняття до кінця періоду.',
      ),
      columns: [column('value', 'km', t('Pārņemts', 'Taken over', 'Прийнято'))],
    },
    {
      id: 'streets.km_in_transfer',
      layers: ['street-transfers'],
      kind: 'kpi',
      title: t('Ielas procesā, km', 'Streets in transfer, km', 'Вулиці в процесі передачі, км'),
      definition: t(
        'Šodien pārņemšanas procesā esošo ielu garums (no iesnieguma līdz Zemesgrāmatai).',
        'Length of the streets in the transfer process today (from the application to the Land Register).',
        'Довжина вулиць у процесі передачі сьогодні (від заяви до Земельної книги).',
      ),
      columns: [column('value', 'km', t('Procesā', 'In transfer', 'У процесі'))],
    },
    {
      id: 'streets.maintenance_taken_on',
      layers: ['street-transfers'],
      kind: 'kpi',
      title: t('Uzņemtās uzturēšanas izmaksas gadā', 'Yearly maintenance taken on', 'Прийняті річні витрати на утримання'),
      definition: t(
        'Pārņemto ielu gada uzturēšanas izmaksu summa (novērtējums apsekošanā).',
        'The yearly maintenance cost of the streets taken over (as estimated at inspection).',
        'Сума річних витрат на утримання прийнятих вулиць (оцінка під час огляду).',
      ),
      columns: [column('value', 'eur', t('EUR gadā', 'EUR a year', 'EUR на рік'))],
    },
    {
      id: 'streets.maintenance_ahead',
      layers: ['street-transfers'],
      kind: 'kpi',
      title: t('Gaidāmās uzturēšanas izmaksas gadā', 'Yearly maintenance still ahead', 'Очікувані річні витрати на утримання'),
      definition: t(
        'Procesā esošo ielu gada uzturēšanas izmaksu summa: ko pašvaldība uzņemsies, ja tās pārņems.',
        'The yearly maintenance cost of the streets in the pipeline: what the municipality takes on if it accepts them.',
        'Сума річних витрат на утримання вулиць у процесі: що муніципалітет візьме на себе, якщо прийме їх.',
      ),
      columns: [column('value', 'eur', t('EUR gadā', 'EUR a year', 'EUR на рік'))],
    },
    {
      id: 'streets.km_by_status',
      layers: ['street-transfers'],
      kind: 'categories',
      title: t('Ielu garums pa statusiem', 'Street length by status', 'Довжина вулиць за статусами'),
      definition: t('Ielu skaits un garums katrā procesa statusā šodien.', 'Number and length of streets in each status of the process today.', 'Кількість і довжина вулиць у кожному статусі процесу сьогодні.'),
      categories: streetTransferStatuses,
      columns: [column('km', 'km', t('Garums, km', 'Length, km', 'Довжина, км')), column('streets', 'count', t('Ielas', 'Streets', 'Вулиці'))],
    },
    {
      id: 'streets.accepted_by_year',
      layers: ['street-transfers'],
      kind: 'series',
      title: t('Pārņemtās ielas pa gadiem', 'Transfers accepted per year', 'Прийняті вулиці за роками'),
      definition: t('Pieņemto ielu skaits un garums pēc pieņemšanas gada.', 'Streets accepted and their length, by the year of acceptance.', 'Кількість і довжина прийнятих вулиць за роком прийняття.'),
      columns: [column('streets', 'count', t('Ielas', 'Streets', 'Вулиці')), column('km', 'km', t('Garums, km', 'Length, km', 'Довжина, км'))],
    },
    {
      id: 'streets.days_per_stage',
      layers: ['street-transfers'],
      kind: 'categories',
      title: t('Dienas katrā posmā', 'Days per stage', 'Днів на кожному етапі'),
      definition: t(
        'Cik dienas ielas pavadījušas katrā posmā (mediāna pabeigtajiem posmiem pēc statusu vēstures) un cik ielu šobrīd gaida tajā: kur process iestrēdzis.',
        'How many days streets spent in each stage (median over completed stages, from the status history), and how many are waiting in it now: where the process is stuck.',
        'Скільки днів вулиці провели на кожному етапі (медіана завершених етапів за історією статусів) і скільки чекають на ньому зараз: де процес застряг.',
      ),
      categories: pick(streetTransferStatuses, streetsInTransfer),
      columns: [
        column('median_days', 'days', t('Mediāna, dienas', 'Median, days', 'Медіана, днів')),
        column('waiting_now', 'count', t('Gaida tagad', 'Waiting now', 'Чекають зараз')),
      ],
    },
    {
      id: 'streets.by_parish',
      layers: ['street-transfers', 'parishes'],
      kind: 'units',
      unitKind: 'parish',
      title: t('Ielas pa pagastiem', 'Streets by parish', 'Вулиці за волостями'),
      definition: t(
        'Katrā pagastā un pilsētā: pašvaldības (pārņemto), procesā esošo un privāto (noraidīto) ielu garums šodien un pārņemtā daļa.',
        'In each parish and town: the length of municipal (taken over), in-transfer and private (rejected) streets today, and the share taken over.',
        'У кожній волості та місті: довжина муніципальних (прийнятих), тих, що в процесі, і приватних (відхилених) вулиць сьогодні та прийнята частка.',
      ),
      columns: [
        column('municipal_share', 'percent', t('Pārņemtā daļa', 'Share taken over', 'Прийнята частка')),
        column('municipal_km', 'km', t('Pašvaldības, km', 'Municipal, km', 'Муніципальні, км')),
        column('in_transfer_km', 'km', t('Procesā, km', 'In transfer, km', 'У процесі, км')),
        column('private_km', 'km', t('Privātas, km', 'Private, km', 'Приватні, км')),
      ],
    },
  ],
};

const accommodation: DashboardDefinition = {
  id: 'accommodation',
  title: t('Bēgļu izmitināšana', 'Refugee accommodation', 'Розміщення біженців'),
  question: t(
    'Vai pietiek vietu, un vai tās ir tur, kur ir skolas, bērnudārzi un piekļūstamība?',
    'Are there enough places, and are they where the schools, kindergartens and step-free access are?',
    'Чи достатньо місць і чи вони там, де є школи, дитячі садки та безбар’єрний доступ?',
  ),
  layerKey: 'accommodation-sites',
  protection: { cells: 'accommodation/suppression_cells.sql', unitKinds: ['parish', 'town'] },
  indicators: [
    {
      id: 'accommodation.places',
      layers: ['accommodation-sites'],
      kind: 'kpi',
      headline: true,
      title: t('Brīvās vietas', 'Free places', 'Вільні місця'),
      definition: t(
        'Brīvo vietu skaits (ietilpība mīnus aizņemtās) darbojošās izmitināšanas vietās perioda beigās, pēc aizņemtības vēstures.',
        'Free places (capacity minus occupied) in the sites in use at the end of the period, from the occupancy history.',
        'Кількість вільних місць (місткість мінус зайняті) у діючих місцях на кінець періоду за історією зайнятості.',
      ),
      columns: [
        column('value', 'places', t('Brīvas', 'Free', 'Вільні')),
        column('capacity', 'places', t('Ietilpība', 'Capacity', 'Місткість')),
        column('occupied', 'places', t('Aizņemtas', 'Occupied', 'Зайняті')),
      ],
      recordCount: 'sites',
    },
    {
      id: 'accommodation.near_school_kindergarten',
      layers: ['accommodation-sites', 'schools', 'kindergartens'],
      kind: 'kpi',
      title: t('Līdz 1 km no skolas un bērnudārza', 'Within 1 km of a school and a kindergarten', 'До 1 км від школи та дитсадка'),
      definition: t(
        'Darbojošos izmitināšanas vietu daļa, kurām 1 km attālumā ir gan skola, gan bērnudārzs (taisnā līnijā).',
        'Share of the sites in use that have both a school and a kindergarten within 1 km (straight line).',
        'Частка діючих місць, які мають і школу, і дитячий садок у межах 1 км (по прямій).',
      ),
      columns: [column('value', 'percent', t('Vietas', 'Sites', 'Місця'))],
      recordCount: 'sites',
    },
    {
      id: 'accommodation.accessible',
      layers: ['accommodation-sites'],
      kind: 'kpi',
      title: t('Vietas ar piekļūstamību', 'Sites with step-free access', 'Місця з безбар’єрним доступом'),
      definition: t(
        'Darbojošās izmitināšanas vietas ar piekļūstamību bez pakāpieniem un to daļa.',
        'Sites in use with step-free access, and their share.',
        'Діючі місця з безбар’єрним доступом та їх частка.',
      ),
      columns: [column('value', 'percent', t('Vietas', 'Sites', 'Місця'))],
      recordCount: 'sites',
    },
    {
      id: 'accommodation.places_over_time',
      layers: ['accommodation-sites'],
      kind: 'series',
      title: t('Vietas laika gaitā', 'Places over time', 'Місця з часом'),
      definition: t(
        'Ietilpība, aizņemtās un brīvās vietas katra mēneša beigās pēc aizņemtības vēstures (bez perioda — pēdējie 24 mēneši).',
        'Capacity, occupied and free places at the end of each month, from the occupancy history (without a period: the last 24 months).',
        'Місткість, зайняті та вільні місця на кінець кожного місяця за історією зайнятості (без періоду — останні 24 місяці).',
      ),
      columns: [
        column('capacity', 'places', t('Ietilpība', 'Capacity', 'Місткість')),
        column('occupied', 'places', t('Aizņemtas', 'Occupied', 'Зайняті')),
        column('free', 'places', t('Brīvas', 'Free', 'Вільні')),
      ],
      recordCount: 'sites',
    },
    {
      id: 'accommodation.by_parish',
      layers: ['accommodation-sites', 'parishes'],
      kind: 'units',
      unitKind: 'parish',
      title: t('Vietas pa pagastiem', 'Places by parish', 'Місця за волостями'),
      definition: t(
        'Katrā pagastā un pilsētā: darbojošās vietas, ietilpība, aizņemtās un brīvās vietas perioda beigās.',
        'In each parish and town: sites in use, capacity, occupied and free places at the end of the period.',
        'У кожній волості та місті: діючі місця, місткість, зайняті та вільні місця на кінець періоду.',
      ),
      columns: [
        column('free', 'places', t('Brīvas', 'Free', 'Вільні')),
        column('capacity', 'places', t('Ietilpība', 'Capacity', 'Місткість')),
        column('occupied', 'places', t('Aizņemtas', 'Occupied', 'Зайняті')),
        column('sites', 'count', t('Vietas', 'Sites', 'Місця')),
      ],
      recordCount: 'sites',
    },
    {
      id: 'accommodation.free_by_site_type',
      layers: ['accommodation-sites'],
      kind: 'categories',
      title: t('Brīvās vietas pēc veida', 'Free places by site type', 'Вільні місця за типом'),
      definition: t(
        'Darbojošās vietas un brīvās vietas pēc izmitināšanas vietas veida perioda beigās.',
        'Sites in use and free places by type of site at the end of the period.',
        'Діючі місця та вільні місця за типом місця на кінець періоду.',
      ),
      categories: accommodationSiteTypes,
      columns: [column('free', 'places', t('Brīvas', 'Free', 'Вільні')), column('sites', 'count', t('Vietas', 'Sites', 'Місця'))],
      recordCount: 'sites',
    },
  ],
};

export const dashboards: Record<DashboardId, DashboardDefinition> = { sewer, streets, accommodation };
