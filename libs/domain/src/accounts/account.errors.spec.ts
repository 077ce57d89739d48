import { newPasswordProblem } from './account.errors.js';

describe('new password rules', () => {
  it('accepts 12 to 1024 characters', () => {
    expect(newPasswordProblem('twelve-chars')).toBeNull();
    expect(newPasswordProblem('x'.repeat(1024))).toBeNull();
    expect(newPasswordProblem('  spaces inside ok  ')).toBeNull();
  });

  it('refuses short, long, blank, non-string passwords and the email address, in English and Spanish', () => {
    expect(newPasswordProblem('eleven-char')).toEqual({
      en: 'must be at least 12 characters',
      es: 'debe tener al menos 12 caracteres',
    });
    expect(newPasswordProblem('x'.repeat(1025))?.en).toBe('must be at most 1024 characters');
    expect(newPasswordProblem(' '.repeat(20))?.en).toBe('must not be only spaces');
    expect(newPasswordProblem(undefined)?.en).toBe('must be at least 12 characters');
    expect(newPasswordProblem(' Ana.Lopez@minex.gob.gt ', 'ana.lopez@minex.gob.gt')?.es).toBe(
      'no debe ser su dirección de correo electrónico',
    );
  });
});
