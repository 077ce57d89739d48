import {
  actorLabel,
  addAssigneesLine,
  caseChangeLines,
  caseOpenedText,
  caseUpdatedText,
} from './case-change-text.js';

describe('case thread texts (English, then Spanish)', () => {
  it('names who opened the case', () => {
    expect(caseOpenedText('ST-2026-0001', actorLabel({ displayName: 'Ana López', country: 'GT' }))).toBe(
      'Case ST-2026-0001 opened by Ana López (GT).\n\nCaso ST-2026-0001 abierto por Ana López (GT).',
    );
  });

  it('shows a dash for an account without a country', () => {
    expect(actorLabel({ displayName: 'Secretariat', country: null })).toBe('Secretariat (—)');
  });

  it('lists each changed field in both languages, statuses translated', () => {
    const lines = caseChangeLines(
      { status: 'open', handling: 'network', countries: ['GT'] },
      { status: 'awaiting-response', handling: 'involved', countries: ['GT', 'MX'] },
      true,
    );
    expect(lines.en).toEqual([
      'Status: open → awaiting-response',
      'Handling: officers of the involved countries only',
      'Countries: GT, MX',
    ]);
    expect(lines.es).toEqual([
      'Estado: abierto → en espera de respuesta',
      'Manejo: solo oficiales de los países involucrados',
      'Países: GT, MX',
    ]);
  });

  it('says nothing about fields that did not change', () => {
    const same = { status: 'open' as const, handling: 'network' as const, countries: ['GT'] };
    expect(caseChangeLines(same, same, false)).toEqual({ en: [], es: [] });
  });

  it('names the assignees, or nobody', () => {
    const lines = { en: [] as string[], es: [] as string[] };
    addAssigneesLine(lines, []);
    addAssigneesLine(lines, [{ displayName: 'Luis', country: 'MX' }]);
    expect(lines).toEqual({
      en: ['Assigned to: nobody', 'Assigned to: Luis (MX)'],
      es: ['Asignado a: nadie', 'Asignado a: Luis (MX)'],
    });
    expect(caseUpdatedText('CP-2026-0002', 'Ana (GT)', lines)).toBe(
      'Case CP-2026-0002 updated by Ana (GT):\nAssigned to: nobody\nAssigned to: Luis (MX)\n\n' +
        'Caso CP-2026-0002 actualizado por Ana (GT):\nAsignado a: nadie\nAsignado a: Luis (MX)',
    );
  });
});
