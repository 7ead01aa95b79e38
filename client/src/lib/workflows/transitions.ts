import type { Workflow } from './api';

/** One next step offered in the feature panel. */
export interface TransitionOption {
  to: string;
  /** Required fields of that status the feature does not have yet: the panel asks for them. */
  missing: string[];
  /** All required fields of that status (the panel shows the ones already set, prefilled). */
  required: string[];
}

const isSet = (v: unknown) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '');

/**
 * The statuses a feature may move to from its current one, with the fields each still needs.
 * @param workflow from GET /api/workflows
 * @param properties the feature's current properties (its `status` among them)
 * @returns the allowed steps in the workflow's order; none for a final status or an unknown one
 * @example transitionOptions(sewer, { status: 'applied' }) // [{ to: 'technical_conditions', missing: ['technical_conditions_number'], … }, { to: 'refused', … }]
 */
export function transitionOptions(workflow: Workflow, properties: Record<string, unknown>): TransitionOption[] {
  const status = typeof properties.status === 'string' ? properties.status : '';
  const next = workflow.transitions[status] ?? [];
  const order = workflow.statuses.map((s) => s.value);
  return [...next]
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((to) => {
      const required = workflow.required[to] ?? [];
      return { to, required, missing: required.filter((f) => !isSet(properties[f])) };
    });
}

/**
 * The fields a transition still lacks, from what the user typed in the step's form.
 * @returns names of required fields left empty (an empty array means the step may be sent)
 */
export function missingForTransition(option: TransitionOption, given: Record<string, unknown>): string[] {
  return option.missing.filter((f) => !isSet(given[f]));
}
