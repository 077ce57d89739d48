import { displayNameProblem } from './accounts.service.js';

describe('displayNameProblem (names go into email headers, system messages, CSV and logs)', () => {
  it('accepts names in any script, with accents and punctuation', () => {
    for (const name of ['Ana López', 'José-María O’Neil', 'Nguyễn Văn A', 'محمد', 'A'.repeat(120)])
      expect(displayNameProblem(name)).toBeNull();
  });

  it('refuses line breaks, other control characters and direction overrides', () => {
    for (const name of [
      'Ana\r\nBcc: x@y.org',
      'Ana\n',
      'Ana\u0000',
      'Ana\t',
      'Ana\u0085',
      'Ana\u2028',
      'Ana\u202Eexe',
      'Ana\u2066',
    ])
      expect(displayNameProblem(name)).toMatch(/line breaks, control characters or direction overrides/);
  });

  it('refuses empty and too long names', () => {
    for (const name of ['', '   ', 'A'.repeat(121), 42]) expect(displayNameProblem(name)).toMatch(/1 to 120/);
  });
});
