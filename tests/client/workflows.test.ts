import { describe, expect, it } from 'vitest';
import type { FormField, Workflow } from '../../client/src/lib/workflows/api.js';
import { isIsoDate, toProperties, validateField, validateForm } from '../../client/src/lib/workflows/formValidation.js';
import { drawModeFor, editableParts, joinParts, measureOf, nearestVertex, toLayerGeometry, verticesOf } from '../../client/src/lib/workflows/geometry.js';
import { missingForTransition, transitionOptions } from '../../client/src/lib/workflows/transitions.js';
import { UndoStack, undoRequest } from '../../client/src/lib/workflows/undoStack.js';
import { embedParams } from '../../client/src/embed/params.js';
import { capacityRows } from '../../client/src/embed/api.js';

const title = { lv: 'x', en: 'x', uk: 'x' };
const field = (f: Partial<FormField> & Pick<FormField, 'name' | 'type'>): FormField => ({ title, required: false, ...f });

describe('attribute form validation', () => {
  it('asks for a required value and accepts an optional empty one', () => {
    expect(validateField(field({ name: 'a', type: 'text', required: true }), '  ')).toEqual({ key: 'workflow.form.required' });
    expect(validateField(field({ name: 'a', type: 'text' }), '')).toBeNull();
  });

  it('checks whole numbers, decimals with a comma and the allowed range', () => {
    const count = field({ name: 'n', type: 'integer', min: 1, max: 10 });
    expect(validateField(count, '2.5')).toEqual({ key: 'workflow.form.notInteger' });
    expect(validateField(count, 'abc')).toEqual({ key: 'workflow.form.notNumber' });
    expect(validateField(count, '0')).toEqual({ key: 'workflow.form.min', params: { min: 1 } });
    expect(validateField(count, '11')).toEqual({ key: 'workflow.form.max', params: { max: 10 } });
    expect(validateField(count, '10')).toBeNull();
    expect(validateField(field({ name: 'eur', type: 'number', min: 0 }), '12,5')).toBeNull();
  });

  it('accepts only real calendar days as dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(validateField(field({ name: 'd', type: 'date' }), '31.12.2024')).toEqual({ key: 'workflow.form.date' });
  });

  it('matches the whole text against the pattern (a cadastre number is 11 digits)', () => {
    const cadastre = field({ name: 'c', type: 'text', pattern: '\\d{11}' });
    expect(validateField(cadastre, '80760010123')).toBeNull();
    expect(validateField(cadastre, '80760010123x')).toEqual({ key: 'workflow.form.pattern' });
  });

  it('accepts only listed options and skips read-only fields such as the status', () => {
    const fields = [
      field({ name: 'kind', type: 'enum', required: true, options: [{ value: 'gravity', title }] }),
      field({ name: 'status', type: 'enum', required: true, readOnly: true }),
    ];
    expect(validateForm(fields, { kind: 'pressure' })).toEqual({ kind: { key: 'workflow.form.option' } });
    expect(validateForm(fields, { kind: 'gravity' })).toEqual({});
  });

  it('sends numbers as numbers and empty text as null', () => {
    const fields = [field({ name: 'n', type: 'number' }), field({ name: 's', type: 'text' }), field({ name: 'b', type: 'boolean' }), field({ name: 'r', type: 'text', readOnly: true })];
    expect(toProperties(fields, { n: '12,5', s: ' ', b: true, r: 'x' })).toEqual({ n: 12.5, s: null, b: true });
  });
});

const sewer: Workflow = {
  id: 'sewer-connections',
  layerId: 'marupe-sewer-connections',
  statuses: ['not_connected', 'applied', 'technical_conditions', 'construction', 'connected', 'refused'].map((value) => ({ value, title })),
  transitions: { not_connected: ['applied'], applied: ['refused', 'technical_conditions'], technical_conditions: ['construction', 'refused'], construction: ['connected'], connected: [], refused: ['applied'] },
  required: { technical_conditions: ['technical_conditions_number'], refused: ['refusal_reason'] },
};

describe('workflow transition options', () => {
  it('offers the next statuses in pipeline order with the fields each still needs', () => {
    expect(transitionOptions(sewer, { status: 'applied' })).toEqual([
      { to: 'technical_conditions', required: ['technical_conditions_number'], missing: ['technical_conditions_number'] },
      { to: 'refused', required: ['refusal_reason'], missing: ['refusal_reason'] },
    ]);
  });

  it('does not ask again for a field the feature already has', () => {
    const [tc] = transitionOptions(sewer, { status: 'applied', technical_conditions_number: 'TN-12' });
    expect(tc.missing).toEqual([]);
  });

  it('offers nothing from a final or unknown status', () => {
    expect(transitionOptions(sewer, { status: 'connected' })).toEqual([]);
    expect(transitionOptions(sewer, {})).toEqual([]);
  });

  it('says which required fields the user left empty in the step form', () => {
    const [, refused] = transitionOptions(sewer, { status: 'applied' });
    expect(missingForTransition(refused, { refusal_reason: ' ' })).toEqual(['refusal_reason']);
    expect(missingForTransition(refused, { refusal_reason: 'No capacity' })).toEqual([]);
  });
});

describe('undo of the last change', () => {
  it('restores an update to the version before it, based on the version it produced', () => {
    expect(undoRequest({ layerId: 'marupe-sewer-connections', featureId: 7, kind: 'update', before: 3, after: 4 })).toEqual({
      method: 'POST',
      path: '/api/layers/marupe-sewer-connections/features/7/restore',
      body: { version: 4, toVersion: 3 },
    });
  });

  it('deletes a created feature and creates a deleted one again without server columns', () => {
    expect(undoRequest({ layerId: 'l', featureId: 9, kind: 'create', before: null, after: 1 })).toEqual({ method: 'DELETE', path: '/api/layers/l/features/9', version: 1 });
    const geometry = { type: 'Point', coordinates: [24, 56.9] };
    expect(undoRequest({ layerId: 'l', featureId: 9, kind: 'delete', before: 2, after: 2, snapshot: { geometry, properties: { id: 9, version: 2, note: 'a' } } })).toEqual({
      method: 'POST',
      path: '/api/layers/l/features',
      body: { geometry, properties: { note: 'a' } },
    });
  });

  it('takes back the newest edit first and forgets the oldest beyond its limit', () => {
    const stack = new UndoStack(2);
    for (const after of [2, 3, 4]) stack.push({ layerId: 'l', featureId: 1, kind: 'update', before: after - 1, after });
    expect(stack.size).toBe(2);
    expect(stack.pop()?.after).toBe(4);
    expect(stack.pop()?.after).toBe(3);
    expect(stack.pop()).toBeUndefined();
  });

  it('builds on a newer version after another change of the same feature', () => {
    const stack = new UndoStack();
    stack.push({ layerId: 'l', featureId: 1, kind: 'update', before: 1, after: 2 });
    stack.rebase('l', 1, 5);
    expect(undoRequest(stack.peek()!)).toMatchObject({ body: { version: 5, toVersion: 1 } });
  });
});

describe('map editor geometry helpers', () => {
  it('draws with the mode of the layer geometry and wraps drawings into Multi* layers', () => {
    expect(drawModeFor('MultiPolygon')).toBe('polygon');
    expect(() => drawModeFor('GeometryCollection')).toThrow(/cannot be drawn/);
    expect(toLayerGeometry({ type: 'Point', coordinates: [24, 56.9] }, 'MultiPoint')).toEqual({ type: 'MultiPoint', coordinates: [[24, 56.9]] });
  });

  it('splits a multi-geometry into editable parts and joins them back', () => {
    const multi: GeoJSON.MultiLineString = { type: 'MultiLineString', coordinates: [[[24, 56], [24.1, 56]], [[24.2, 56], [24.3, 56]]] };
    const parts = editableParts(multi);
    expect(parts).toHaveLength(2);
    expect(joinParts(parts, 'MultiLineString')).toEqual(multi);
    expect(() => joinParts([], 'Point')).toThrow(/delete the feature/);
  });

  it('measures a drawn line in metres', () => {
    const m = measureOf({ type: 'LineString', coordinates: [[24, 56.9], [24, 56.91]] });
    expect(m?.kind).toBe('length');
    expect(m!.value).toBeGreaterThan(1100);
    expect(m!.value).toBeLessThan(1120);
  });

  it('snaps to the nearest vertex within the pixel tolerance only', () => {
    const project = (p: [number, number]) => ({ x: p[0] * 100, y: p[1] * 100 });
    const vertices = verticesOf({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    expect(nearestVertex({ x: 97, y: 3 }, vertices, project)).toEqual([1, 0]);
    expect(nearestVertex({ x: 50, y: 50 }, vertices, project)).toBeUndefined();
  });
});

describe('refugee help embed', () => {
  it('is Ukrainian unless another language is asked for, and ignores a malformed municipality', () => {
    expect(embedParams('?m=marupe')).toEqual({ municipality: 'marupe', lang: 'uk' });
    expect(embedParams('?m=marupe&lang=lv')).toEqual({ municipality: 'marupe', lang: 'lv' });
    expect(embedParams('?m=<script>&lang=ru')).toEqual({ municipality: null, lang: 'uk' });
  });

  it('shows a suppressed parish count as null, never as a number', () => {
    const rows = capacityRows({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: null as unknown as GeoJSON.Geometry, properties: { name: 'Mārupe', freePlaces: 25 } },
        { type: 'Feature', geometry: null as unknown as GeoJSON.Geometry, properties: { name: 'Skulte', freePlaces: null, suppressed: true } },
      ],
    });
    expect(rows.map((r) => [r.name, r.freePlaces, r.suppressed])).toEqual([
      ['Mārupe', 25, false],
      ['Skulte', null, true],
    ]);
  });
});
