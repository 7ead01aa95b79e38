import { Type } from 'typebox';
import { int4 } from '../bounds.js';

export const WorklistFormat = Type.Optional(Type.Enum(['json', 'csv'], { default: 'json' }));

export const SewerUnconnectedQuery = Type.Object(
  {
    distance: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 50, description: 'Metres from a sewer main.' })),
    village: Type.Optional(int4({ description: 'Id of a village (territorial unit of kind village).' })),
    format: WorklistFormat,
  },
  { additionalProperties: false },
);

export const WorklistRow = Type.Object({
  kind: Type.Enum(['connection', 'address']),
  id: Type.Integer(),
  address: Type.String(),
  cadastre_designation: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.String(), Type.Null()]),
  village_id: Type.Union([Type.Integer(), Type.Null()]),
  village: Type.Union([Type.String(), Type.Null()]),
  distance_m: Type.Number(),
  lon: Type.Number(),
  lat: Type.Number(),
});

export const WorklistRows = Type.Array(WorklistRow);

export const SaveWorklistBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Enum(['sewer-unconnected']),
    params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  },
  { additionalProperties: false },
);

export const SavedWorklist = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const SavedWorklistRun = Type.Object({ worklist: SavedWorklist, rows: WorklistRows });

export const WorklistParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export const RunQuery = Type.Object({ format: WorklistFormat }, { additionalProperties: false });
