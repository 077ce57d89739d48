import { DigestContentService } from './digest-content.service.js';
import type { DigestContent, DigestNetworkSection } from './digest.ports.js';

const section = (over: Partial<DigestNetworkSection> = {}): DigestNetworkSection => ({
  slug: 'consular-protection',
  name: { en: 'n', es: 'n' },
  officer: false,
  training: [],
  followUps: { open: 0, overdue: 0 },
  newCases: [],
  dueForCountry: [],
  unread: [],
  ...over,
});
const content = (...networks: DigestNetworkSection[]): DigestContent => ({
  frequency: 'daily',
  from: new Date(0),
  to: new Date(1),
  networks,
});

describe('digest content', () => {
  it('is empty without a new case, training ahead or a follow-up open, due or overdue (unread counts alone are not news)', () => {
    expect(DigestContentService.isEmpty(content(section()))).toBe(true);
    expect(
      DigestContentService.isEmpty(
        content(section({ unread: [{ channel: 'general', count: 3, link: '' }] })),
      ),
    ).toBe(true);
    expect(DigestContentService.isEmpty(content(section({ followUps: { open: 0, overdue: 1 } })))).toBe(
      false,
    );
    expect(
      DigestContentService.isEmpty(
        content(section(), section({ newCases: [{ reference: 'CP-2027-0001', title: null, link: '' }] })),
      ),
    ).toBe(false);
    expect(
      DigestContentService.isEmpty(
        content(
          section({ training: [{ id: '1', title: { en: 't', es: 't' }, startsAt: new Date(), link: '' }] }),
        ),
      ),
    ).toBe(false);
  });
});
