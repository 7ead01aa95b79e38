import { ImportError } from '../importers/importError.js';
import { UserError } from '../plugins/errors.js';
import { problemMessages, type ProblemCode } from './problemMessages.js';
import type { Problem } from './types.js';

export { problemMessages, type ProblemCode };

export type ProblemParams = Record<string, string | number>;

/** The English text of a problem: its template with the parameters filled in. */
export function problemText(code: ProblemCode, params: ProblemParams = {}): string {
  return problemMessages[code].replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

/**
 * A problem to report: its code and parameters, the English message, and where it is.
 * @example problem('geometry.invalid', { reason: 'Self-intersection[1 1]' }, { featureIndex: 3, layer: 'parki' })
 */
export function problem(code: ProblemCode, params: ProblemParams = {}, where: { featureIndex?: number; layer?: string } = {}): Problem {
  return {
    code,
    ...(Object.keys(params).length ? { params } : {}),
    message: problemText(code, params),
    ...(where.featureIndex !== undefined ? { featureIndex: where.featureIndex } : {}),
    ...(where.layer !== undefined ? { layer: where.layer } : {}),
  };
}

/**
 * A file the upload refuses, with the problems to report (the first one says why; the others,
 * such as a GeoJSON's first invalid features, give the detail). Its message is the first problem's.
 */
export class UploadRefusal extends ImportError {
  readonly problems: Problem[];

  constructor(problems: Problem | Problem[], options?: ErrorOptions) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map((p) => (p.featureIndex !== undefined ? `feature ${p.featureIndex}: ${p.message}` : p.message)).join(' '), options);
    this.problems = list;
  }
}

/** Shorthand: an UploadRefusal of one problem. */
export const refuse = (code: ProblemCode, params: ProblemParams = {}, where: { featureIndex?: number; layer?: string } = {}) => new UploadRefusal(problem(code, params, where));

/**
 * An HTTP error (400, 413, …) worded as a problem: the English text as its message, the code and
 * parameters in the response's `details`, so the Data page can word it in the user's language.
 */
export const problemError = (statusCode: number, code: ProblemCode, params: ProblemParams = {}) => new UserError(statusCode, problemText(code, params), { code, params });

/** The problem an HTTP error stands for, to keep on a job that failed with it. */
export function userProblem(err: UserError): Problem {
  const code = err.details?.code;
  if (typeof code === 'string' && code in problemMessages) return problem(code as ProblemCode, (err.details?.params ?? {}) as ProblemParams);
  return { message: err.message };
}
