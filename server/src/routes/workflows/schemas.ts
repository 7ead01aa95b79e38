import { Type } from 'typebox';
import { int4 } from '../bounds.js';

/** The three municipal workflows of issue 6 and their transition endpoint. */
export const WORKFLOW_IDS = ['sewer-connections', 'street-transfers', 'accommodation'] as const;

const Localized = Type.Object({ lv: Type.String(), en: Type.String(), uk: Type.String() });

export const Workflow = Type.Object({
  id: Type.Enum([...WORKFLOW_IDS]),
  /** The request municipality's layer this workflow edits, e.g. "marupe-sewer-connections". */
  layerId: Type.String(),
  statuses: Type.Array(Type.Object({ value: Type.String(), title: Localized })),
  /** Allowed next statuses by current status. */
  transitions: Type.Record(Type.String(), Type.Array(Type.String())),
  /** Fields that must be given (or already set) to move into a status. */
  required: Type.Record(Type.String(), Type.Array(Type.String())),
});

export const WorkflowList = Type.Array(Workflow);

export const TransitionParams = Type.Object({
  workflow: Type.Enum([...WORKFLOW_IDS]),
  id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
});

/**
 * `to`, the `version` the client saw, an optional `date` of the step (default today) and the
 * step's fields (e.g. cofinancing_eur, decision_number, decision_date, note); unknown fields → 400.
 */
export const TransitionBody = Type.Object(
  {
    to: Type.String({ maxLength: 40 }),
    version: int4(),
    date: Type.Optional(Type.String({ format: 'date' })),
  },
  { additionalProperties: true },
);

/** 400 for a transition the pipeline does not allow from the current status. */
export const TransitionRefused = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  allowed: Type.Optional(Type.Array(Type.String())),
  missing: Type.Optional(Type.Array(Type.String())),
});
