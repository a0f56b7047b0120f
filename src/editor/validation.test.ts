import { describe, expect, it } from 'vitest';
import { sameValidation, schemaProblemsFromMarkers, validateText, type MarkerLike } from './validation';

const marker = (overrides: Partial<MarkerLike>): MarkerLike => ({
  message: 'm',
  severity: 4,
  startLineNumber: 1,
  startColumn: 1,
  endLineNumber: 1,
  endColumn: 2,
  ...overrides,
});

describe('validateText', () => {
  it('reports valid objects with their content warnings and the given schema problems', () => {
    const problems = schemaProblemsFromMarkers([marker({ message: 'Missing property "enabled".' })]);
    expect(validateText('{"a": 1, "a": 2}', problems)).toMatchObject({
      isObject: true,
      contentWarnings: [{ kind: 'duplicate-key' }],
      schemaProblems: [{ message: 'Missing property "enabled".', severity: 'warning' }],
    });
    expect(validateText('{}')).toEqual({ isObject: true, contentWarnings: [], schemaProblems: [] });
  });

  it('reports a parse error with its position, without (stale) schema problems', () => {
    const stale = schemaProblemsFromMarkers([marker({ message: 'Incorrect type.' })]);
    expect(validateText('{\n  "a": }', stale)).toEqual({
      parseError: expect.stringMatching(/^Line 2, column 8: Unexpected '}'/) as string,
      parseErrorPosition: { line: 2, column: 8 },
      isObject: false,
      contentWarnings: [],
      schemaProblems: [],
    });
  });

  it('reports JSON that is not an object', () => {
    expect(validateText('[1]')).toMatchObject({
      isObject: false,
      notObjectError: expect.stringContaining('not an array') as string,
    });
    expect(validateText('[1]').parseError).toBeUndefined();
  });
});

describe('schemaProblemsFromMarkers', () => {
  it('drops syntax markers (our parser reports syntax) and keeps schema ones, sorted', () => {
    const problems = schemaProblemsFromMarkers([
      marker({ message: 'Expected comma', code: '514', severity: 8 }),
      marker({ message: 'Duplicate object key', code: '520' }),
      marker({ message: 'Trailing comma', code: { value: '519' } }),
      marker({
        message: 'Value is not accepted.',
        code: '1',
        startLineNumber: 3,
        startColumn: 5,
        endLineNumber: 3,
        endColumn: 9,
      }),
      marker({ message: 'Incorrect type.', startLineNumber: 2, severity: 8 }),
      marker({ message: 'Deprecated', code: '2', severity: 1 }),
      marker({ message: 'Schema could not be resolved', code: '768', severity: 2 }),
    ]);
    expect(problems).toEqual(
      [
        { message: 'Deprecated', severity: 'hint', line: 1, column: 1, endLine: 1, endColumn: 2 },
        { message: 'Incorrect type.', severity: 'error', line: 2, column: 1, endLine: 1, endColumn: 2 },
        {
          message: 'Value is not accepted.',
          severity: 'warning',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 9,
        },
        {
          message: 'Schema could not be resolved',
          severity: 'info',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 2,
        },
      ].sort((a, b) => a.line - b.line || a.column - b.column),
    );
  });
});

describe('sameValidation', () => {
  it('compares by value', () => {
    expect(sameValidation(undefined, validateText('{}'))).toBe(false);
    expect(sameValidation(validateText('{}'), validateText(' {} '))).toBe(true);
    expect(sameValidation(validateText('{}'), validateText('['))).toBe(false);
  });
});
