import { canTransition, formatReference } from './case-rules.js';
import { ChannelAccessPolicy, type AccessScope, type ChannelAccessFacts } from './channel-access.policy.js';
import { charCount, normalizeName, parseMentions, validateSend } from './message-rules.js';

const NET = 'net-st';
const scope = (over: Partial<AccessScope>): AccessScope => ({
  userId: 'u',
  staff: false,
  memberNetworkIds: [],
  officerNetworkIds: [],
  country: null,
  ...over,
});
const officerGT = scope({ memberNetworkIds: [NET], officerNetworkIds: [NET], country: 'GT' });
const officerMX = scope({ memberNetworkIds: [NET], officerNetworkIds: [NET], country: 'MX' });
const observer = scope({ memberNetworkIds: [NET], country: 'CO' });
const admin = scope({ staff: true });
const otherNetwork = scope({ memberNetworkIds: ['net-cp'], officerNetworkIds: ['net-cp'], country: 'HN' });

describe('channel access rules', () => {
  const ch = (c: Partial<ChannelAccessFacts>): ChannelAccessFacts => ({
    networkId: NET,
    visibility: 'network',
    kind: 'channel',
    ...c,
  });
  const can = (s: AccessScope, c: ChannelAccessFacts) => ChannelAccessPolicy.canRead(s, c);

  it('network channels: every member and staff', () => {
    expect([officerGT, observer, admin, otherNetwork].map((s) => can(s, ch({})))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
  it('officers channels: officers only', () => {
    expect(
      [officerGT, observer, admin, otherNetwork].map((s) => can(s, ch({ visibility: 'officers' }))),
    ).toEqual([true, false, false, false]);
  });
  it('private channels: listed members of the network', () => {
    expect(can(officerGT, ch({ visibility: 'private', isMember: true }))).toBe(true);
    expect(can(officerMX, ch({ visibility: 'private', isMember: false }))).toBe(false);
    expect(can(admin, ch({ visibility: 'private', isMember: true }))).toBe(false);
  });
  it('case threads: officers; involved handling only for listed countries; never observers or staff', () => {
    const involved = ch({
      kind: 'case',
      visibility: 'officers',
      caseHandling: 'involved',
      caseCountries: ['GT'],
    });
    const network = ch({
      kind: 'case',
      visibility: 'officers',
      caseHandling: 'network',
      caseCountries: ['GT'],
    });
    expect([officerGT, officerMX, observer, admin, otherNetwork].map((s) => can(s, involved))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect([officerGT, officerMX, observer, admin, otherNetwork].map((s) => can(s, network))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('message rules', () => {
  it('counts characters as code points', () => {
    expect(charCount('😀'.repeat(10_001))).toBe(10_001);
    expect(() => validateSend({ body: '😀'.repeat(10_000), clientMessageId: 'a' })).not.toThrow();
    expect(() => validateSend({ body: 'x'.repeat(10_001), clientMessageId: 'a' })).toThrow();
  });
  it('reports every invalid field', () => {
    try {
      validateSend({
        body: '',
        clientMessageId: 'has space',
        priority: 'high',
        requestAck: 'yes',
        caseId: 'x',
      });
      throw new Error('no error');
    } catch (e: any) {
      expect(e.details.map((d: any) => d.field)).toEqual([
        'body',
        'clientMessageId',
        'caseId',
        'priority',
        'requestAck',
      ]);
    }
  });
  it('finds mentions of countries and names, not emails', () => {
    expect(parseMentions('Hola @GT, @María.López y @juan_perez; mail a@b.org; @mx')).toEqual({
      countries: ['GT'],
      names: ['marialopez', 'juanperez', 'mx'],
    });
    expect(normalizeName('José Ñúñez')).toBe('josenunez');
  });
});

describe('case rules', () => {
  it('formats references', () => {
    expect(formatReference('ST', 2026, 7)).toBe('ST-2026-0007');
    expect(formatReference('CP', 2026, 12345)).toBe('CP-2026-12345');
  });
  it('allows the workflow transitions only', () => {
    expect(canTransition('open', 'awaiting-response')).toBe(true);
    expect(canTransition('resolved', 'awaiting-response')).toBe(false);
    expect(canTransition('closed', 'resolved')).toBe(false);
    expect(canTransition('closed', 'open')).toBe(true);
  });
});
