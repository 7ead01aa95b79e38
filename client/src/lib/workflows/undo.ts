import { send } from '../api';
import { undoRequest, type EditRecord } from './undoStack';

/** Takes one edit back through the API (see undoRequest for which call that is). */
export async function undo(edit: EditRecord): Promise<void> {
  const request = undoRequest(edit);
  if (request.method === 'DELETE') await send<void>('DELETE', `${request.path}?version=${request.version}`, undefined);
  else await send<unknown>('POST', request.path, request.body);
}
