import { matchIssues, pathMatch } from './grpcroute';
import { headerMatches } from './route-matches';
import { validateRegex } from './regex';

describe('pathMatch (GEP-1016)', () => {
  it.each([
    [
      { service: 'a.B', method: 'C' },
      { kind: 'exact', value: '/a.B/C' },
    ],
    [{ service: 'a.B' }, { kind: 'prefix', value: '/a.B/' }],
    [{ method: 'C' }, { kind: 'regex', value: '/[^/]+/C' }],
    [
      { type: 'RegularExpression' as const, service: 'a|b', method: 'C|D' },
      { kind: 'regex', value: '/(?:a|b)/(?:C|D)' },
    ],
    [
      { type: 'RegularExpression' as const, service: 'a\\.B' },
      { kind: 'regex', value: '/(?:a\\.B)/[^/]+' },
    ],
    [
      { type: 'RegularExpression' as const, method: 'Get.*' },
      { kind: 'regex', value: '/[^/]+/(?:Get.*)' },
    ],
    [undefined, { kind: 'prefix', value: '/' }],
  ])('%j → %j', (method, want) => {
    expect(pathMatch(method)).toEqual(want);
  });

  // The grouping is what keeps an alternation inside its segment; checked with the RE2 port
  // the regex validator uses, as a full match like Envoy's safe_regex.
  it.each([
    ['/a/X', true],
    ['/b/Y', true],
    ['/a/Y', true],
    ['/c/X', false],
    ['b/X', false],
  ])('service a|b, method X|Y: %s matches = %s', (path, want) => {
    const { value } = pathMatch({ type: 'RegularExpression', service: 'a|b', method: 'X|Y' });
    expect(validateRegex(value).ok).toBe(true);
    expect(new RegExp(`^(?:${value})$`).test(path)).toBe(want);
  });
});

describe('headerMatches', () => {
  it('lower-cases names and keeps the first entry per name', () => {
    expect(
      headerMatches([
        { name: 'X-A', value: '1' },
        { name: 'x-a', value: '2' },
        { type: 'RegularExpression', name: 'x-b', value: 'v.*' },
      ]),
    ).toEqual([
      { name: 'x-a', kind: 'exact', value: '1' },
      { name: 'x-b', kind: 'regex', value: 'v.*' },
    ]);
  });
});

describe('matchIssues', () => {
  it('accepts valid RE2 and Exact values that are not regexes', () => {
    expect(matchIssues({ method: { type: 'RegularExpression', service: '(?i)echo\\..*' } }, 'm')).toEqual([]);
    expect(matchIssues({ headers: [{ name: 'x', value: '(' }] }, 'm')).toEqual([]);
  });

  it.each([
    [{ method: { type: 'RegularExpression' as const, service: 'echo\\.(Echo' } }, 'm.method.service'],
    [{ method: { type: 'RegularExpression' as const, method: '(\\1)' } }, 'm.method.method'],
    [{ headers: [{ type: 'RegularExpression' as const, name: 'x', value: 'a(?=b)' }] }, 'm.headers[0].value'],
  ])('refuses %j at %s with UnsupportedValue', (match, field) => {
    const issues = matchIssues(match, 'm');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ type: 'Accepted', reason: 'UnsupportedValue', field });
  });

  it('checks only the header entry that counts (the first per name)', () => {
    const issues = matchIssues(
      {
        headers: [
          { name: 'x', value: 'ok' },
          { type: 'RegularExpression', name: 'X', value: '(' },
        ],
      },
      'm',
    );
    expect(issues).toEqual([]);
  });

  it('refuses an unknown match type', () => {
    const method = { type: 'Fuzzy', service: 'a' } as unknown as { type: 'Exact'; service: string };
    expect(matchIssues({ method }, 'm')[0]).toMatchObject({ reason: 'UnsupportedValue', field: 'm.method.type' });
  });
});
