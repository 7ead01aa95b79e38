/** A text in the three UI languages; Latvian is always present. */
export interface LocalizedText {
  lv: string;
  en?: string;
  uk?: string;
}

export type FieldType = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

export interface LayerField {
  name: string;
  type: FieldType;
  title: LocalizedText;
  /** Personal or sensitive data: never in tiles, only for roles granted the layer. */
  restricted?: boolean;
  /** How the client formats the value: cadastre designations, money, status codes… */
  format?: 'cadastre' | 'address' | 'eur' | 'status' | 'percent';
  /** Allowed values with their labels, for status pipelines and categories. */
  values?: Record<string, LocalizedText>;
}

export type GeometryType = 'Point' | 'LineString' | 'Polygon' | 'MultiPoint' | 'MultiLineString' | 'MultiPolygon';

export type LayerGroup = 'reference' | 'sewer' | 'streets' | 'accommodation' | 'uploads';

/** A layer as stored in the registry (`layer` table). */
export interface LayerDefinition {
  id: string;
  municipalityId: number | null;
  group: LayerGroup;
  title: LocalizedText;
  description: Partial<LocalizedText>;
  sourceTable: string;
  idColumn: string;
  geometryColumn: string;
  /** Conditions selecting this layer's rows: a column equals the value, or one of the list. */
  sourceFilter: Record<string, string | number | boolean | (string | number)[]>;
  geometryType: GeometryType;
  fields: LayerField[];
  /** Default style: a MapLibre layer type with paint properties. */
  style: Record<string, unknown>;
  restricted: boolean;
  minZoom: number;
  maxZoom: number;
  sortOrder: number;
  dataVersion: number;
}
