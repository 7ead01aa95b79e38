import { describe, expect, it } from 'vitest';
import { messageOf } from '../../client/src/lib/api.js';

describe('api: messages of failed answers', () => {
  const outage = { statusCode: 503, code: 'database.unavailable', message: 'The database is not reachable right now.' };

  it('words a database outage in the UI language from its code, not in the server English', () => {
    expect(messageOf(outage, '/api/layers', 503, 'lv')).toMatch(/Datubāze pašlaik nav sasniedzama/);
    expect(messageOf(outage, '/api/layers', 503, 'uk')).toMatch(/База даних зараз недоступна/);
    expect(messageOf({ ...outage, code: 'database.busy' }, '/api/dashboards/sewer', 503, 'en')).toMatch(/busy with other heavy requests/);
  });

  it('speaks Latvian when no page language is known', () => {
    expect(messageOf({ ...outage, code: 'database.statementTimeout' }, '/api/worklists/1', 503)).toMatch(/pārāk ilgi/);
  });

  it('keeps the server message for a code this client does not know, and names the URL when there is none', () => {
    expect(messageOf({ code: 'something.new', message: 'Some words.' }, '/api/x', 400, 'lv')).toBe('Some words.');
    expect(messageOf(null, '/api/layers?x=1', 502, 'lv')).toBe('/api/layers answered 502');
  });
});
