import { specForWorkflow, type Localized, type WorkflowId } from '../editing/specs.js';

/**
 * A status pipeline: which status may follow which, what must be known to enter a status, and the
 * date column a step stamps (with the request's `date`, default today).
 */
export interface WorkflowDefinition {
  id: WorkflowId;
  initial: string;
  transitions: Record<string, string[]>;
  /** Fields that must be given with the transition or already be set on the feature. */
  required: Record<string, string[]>;
  /** The date column each status stamps when entered. */
  dateField: Record<string, string>;
  /** Date columns stamped only when still empty (reopening an accommodation site keeps its start). */
  keepDate?: string[];
}

export const workflows: Record<WorkflowId, WorkflowDefinition> = {
  // Centralised sewer connection: application → technical conditions → construction → connected, or refused.
  'sewer-connections': {
    id: 'sewer-connections',
    initial: 'not_connected',
    transitions: {
      not_connected: ['applied'],
      applied: ['technical_conditions', 'refused'],
      technical_conditions: ['construction', 'refused'],
      construction: ['connected'],
      connected: [],
      refused: ['applied'],
    },
    required: {
      technical_conditions: ['technical_conditions_number'],
      refused: ['refusal_reason'],
    },
    dateField: {
      applied: 'applied_on',
      technical_conditions: 'technical_conditions_on',
      construction: 'construction_started_on',
      connected: 'connected_on',
      refused: 'refused_on',
    },
  },
  // Private street donated to the municipality; the inspection's findings are needed for the council.
  'street-transfers': {
    id: 'street-transfers',
    initial: 'application',
    transitions: {
      application: ['document_check', 'rejected'],
      document_check: ['inspection', 'rejected'],
      inspection: ['council_decision', 'rejected'],
      council_decision: ['land_register', 'rejected'],
      land_register: ['accepted'],
      accepted: [],
      rejected: [],
    },
    required: {
      council_decision: ['surface_condition', 'lighting_condition', 'drainage_condition', 'decision_number'],
      land_register: ['land_register_folio'],
      accepted: ['yearly_maintenance_eur'],
      rejected: ['rejection_reason'],
    },
    dateField: {
      application: 'applied_on',
      document_check: 'document_check_on',
      inspection: 'inspection_on',
      council_decision: 'decision_date',
      land_register: 'land_register_on',
      accepted: 'accepted_on',
      rejected: 'rejected_on',
    },
  },
  // Accommodation site: planned → in use → closed; a closed site may be used again.
  accommodation: {
    id: 'accommodation',
    initial: 'active',
    transitions: { planned: ['active'], active: ['closed'], closed: ['active'] },
    required: {},
    dateField: { active: 'period_from', closed: 'period_to' },
    keepDate: ['period_from'],
  },
};

/** The statuses with their titles, from the status field's options. */
export function workflowStatuses(id: WorkflowId): { value: string; title: Localized }[] {
  return specForWorkflow(id).fields.find((f) => f.name === 'status')!.options!;
}
