import { forbiddenKeyPath } from './http-hardening.js';

describe('forbiddenKeyPath (bodies with prototype keys are refused)', () => {
  it('finds __proto__, constructor and prototype at any depth, as parsed from JSON', () => {
    expect(forbiddenKeyPath(JSON.parse('{"a":1,"__proto__":{"x":1}}'))).toBe('__proto__');
    expect(forbiddenKeyPath(JSON.parse('{"m":[{"network":"x","constructor":{}}]}'))).toBe('m.0.constructor');
    expect(forbiddenKeyPath(JSON.parse('{"a":{"b":{"prototype":1}}}'))).toBe('a.b.prototype');
  });

  it('passes ordinary bodies, strings and nulls', () => {
    expect(forbiddenKeyPath({ body: '__proto__ constructor', list: [1, 'x', null] })).toBeNull();
    expect(forbiddenKeyPath(undefined)).toBeNull();
    expect(forbiddenKeyPath('constructor')).toBeNull();
  });
});
