import { namespaceFilter } from './namespaces';

describe('namespaceFilter', () => {
  it('serves every namespace when none is named', () => {
    expect(namespaceFilter('')('anything')).toBe(true);
  });

  it('serves only the named namespaces', () => {
    const serves = namespaceFilter('a, b');
    expect([serves('a'), serves('b'), serves('c'), serves('default')]).toEqual([true, true, false, false]);
  });
});
