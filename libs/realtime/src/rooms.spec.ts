import { audienceRooms, caseReaderRooms, channelAudienceRooms, rooms, socketRooms } from './rooms.js';

const NET = '00000000-0000-4000-8000-000000000001';

describe('rooms', () => {
  it('case reader rooms follow handling', () => {
    expect(caseReaderRooms({ networkId: NET, handling: 'network', countries: ['GT'] })).toEqual([
      `officers:${NET}`,
    ]);
    expect(caseReaderRooms({ networkId: NET, handling: 'involved', countries: ['GT', 'MX'] })).toEqual([
      `officers:${NET}:GT`,
      `officers:${NET}:MX`,
    ]);
  });

  it('a new channel reaches the readers of its visibility', () => {
    expect(channelAudienceRooms('network', NET, [])).toEqual([rooms.network(NET), rooms.staff]);
    expect(channelAudienceRooms('officers', NET, ['u1'])).toEqual([rooms.officers(NET)]);
    expect(channelAudienceRooms('private', NET, ['u1', 'u2'])).toEqual(['user:u1', 'user:u2']);
  });

  it("a socket's rooms: its user, staff, its networks, officer audiences by country, its channels", () => {
    const officer = {
      id: 'u1',
      roles: [],
      country: 'GT',
      memberships: [{ networkId: NET, network: 'smuggling-trafficking', role: 'officer' }],
    } as any;
    expect(socketRooms(officer, ['c1'])).toEqual([
      'user:u1',
      `network:${NET}`,
      `officers:${NET}`,
      `officers:${NET}:GT`,
      'channel:c1',
    ]);
    const observer = {
      ...officer,
      id: 'u2',
      country: null,
      memberships: [{ ...officer.memberships[0], role: 'observer' }],
    };
    expect(audienceRooms(observer)).toEqual(['user:u2', `network:${NET}`]);
    expect(audienceRooms({ ...officer, id: 'u3', roles: ['secretariat'], memberships: [] })).toEqual([
      'user:u3',
      'staff',
    ]);
  });
});
