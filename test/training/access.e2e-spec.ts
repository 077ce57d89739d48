import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { ManualClock } from '#config';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { createUser, loginAdmin, officer, type TestUser } from '../factories/users.js';
import { setPresidency, utcDay } from '../follow-ups/helpers.js';
import { CP, createEvent, eventBody, publishedEvent, ST } from './helpers.js';

jest.setTimeout(90_000);

/**
 * Who may do what with training events and training needs, tried as each role: the PPT's officer (GT), an officer
 * of another country (MX), an officer of the other network only (HN), an observer (IOM), the secretariat, nobody.
 * Denials first; the allowed paths after.
 */
describe('training events: access', () => {
  let app: TestApp;
  const clock = new ManualClock(new Date());
  let admin: Http;
  let ppt: TestUser; // GT officer in both networks; GT holds the PPT
  let pptOneNetwork: TestUser; // GT officer in smuggling-trafficking only
  let mx: TestUser;
  let otherNetwork: TestUser; // HN officer of consular-protection only
  let observer: TestUser;
  let secretariat: TestUser;
  let nobody: Http;

  beforeAll(async () => {
    app = await startTestApp({ clock });
    admin = await loginAdmin(app.url);
    await setPresidency(admin, 'GT', utcDay(-1), utcDay(60));
    ppt = await officer(admin, 'GT', [ST, CP]);
    pptOneNetwork = await officer(admin, 'GT', [ST]);
    mx = await officer(admin, 'MX', [ST]);
    otherNetwork = await officer(admin, 'HN', [CP]);
    observer = await createUser(admin, {
      organization: 'IOM',
      memberships: [{ network: ST, role: 'observer' }],
    });
    secretariat = await createUser(admin, { roles: ['secretariat'] });
    nobody = new Http(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('denials', () => {
    it('creating: a non-PPT officer, an observer and nobody are refused; nothing is stored', async () => {
      expect((await mx.http.post('/api/training-events', eventBody())).status).toBe(403);
      expect((await observer.http.post('/api/training-events', eventBody())).status).toBe(403);
      expect((await nobody.post('/api/training-events', eventBody())).status).toBe(401);
      // the PPT's officer of one network cannot create for both
      const both = await pptOneNetwork.http.post('/api/training-events', eventBody({ networks: [ST, CP] }));
      expect(both.status).toBe(403);
      expect(both.body.error.code).toBe('FORBIDDEN');
      const list = await ppt.http.get('/api/training-events');
      expect(list.body).toEqual([]);
    });

    it('a draft does not exist for those who may not edit it; they cannot publish, change or cancel it', async () => {
      const draft = await createEvent(ppt.http);
      for (const u of [mx, observer, otherNetwork]) {
        expect((await u.http.get(`/api/training-events/${draft.id}`)).status).toBe(404);
        expect((await u.http.post(`/api/training-events/${draft.id}/publish`)).status).toBe(404);
        expect((await u.http.patch(`/api/training-events/${draft.id}`, { capacity: 3 })).status).toBe(404);
        expect((await u.http.get('/api/training-events')).body.map((e: any) => e.id)).not.toContain(draft.id);
      }
      expect((await nobody.get(`/api/training-events/${draft.id}`)).status).toBe(401);
    });

    it('a published event: a non-PPT officer may read it but not change, cancel or list its registrations', async () => {
      const event = await publishedEvent(ppt.http);
      expect((await mx.http.get(`/api/training-events/${event.id}`)).status).toBe(200);
      expect((await mx.http.patch(`/api/training-events/${event.id}`, { capacity: 3 })).status).toBe(403);
      expect((await mx.http.post(`/api/training-events/${event.id}/cancel`)).status).toBe(403);
      expect((await mx.http.get(`/api/training-events/${event.id}/registrations`)).status).toBe(403);
      expect(
        (await observer.http.get(`/api/training-events/${event.id}/registrations?format=csv`)).status,
      ).toBe(403);
      expect((await ppt.http.get(`/api/training-events/${event.id}`)).body.status).toBe('published');
    });

    it("another network's officer neither sees nor registers for an event; nobody gets 401", async () => {
      const event = await publishedEvent(ppt.http);
      expect((await otherNetwork.http.get(`/api/training-events/${event.id}`)).status).toBe(404);
      expect((await otherNetwork.http.post(`/api/training-events/${event.id}/registrations`)).status).toBe(
        404,
      );
      expect((await otherNetwork.http.get(`/api/training-events/${event.id}/ics`)).status).toBe(404);
      expect((await otherNetwork.http.get(`/api/training-events?network=${ST}`)).status).toBe(403);
      expect((await nobody.post(`/api/training-events/${event.id}/registrations`)).status).toBe(401);
      expect((await nobody.get(`/api/training-events/${event.id}/ics`)).status).toBe(401);
    });

    it('an observer on an officers-only event: 403, and no registration is stored', async () => {
      const event = await publishedEvent(ppt.http, { audience: 'officers' });
      const res = await observer.http.post(`/api/training-events/${event.id}/registrations`);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      const seen = await observer.http.get(`/api/training-events/${event.id}`);
      expect(seen.body).toMatchObject({ registered: 0, waitlisted: 0, myRegistration: null });
      // staff administer; they register only as members of a network
      expect((await secretariat.http.post(`/api/training-events/${event.id}/registrations`)).status).toBe(
        403,
      );
    });

    it('a draft takes no registrations (409), a cancelled event neither', async () => {
      const draft = await createEvent(ppt.http);
      const r1 = await ppt.http.post(`/api/training-events/${draft.id}/registrations`);
      expect(r1.status).toBe(409);
      expect(r1.body.error.code).toBe('TRAINING_NOT_PUBLISHED');
      const event = await publishedEvent(ppt.http);
      expect((await ppt.http.post(`/api/training-events/${event.id}/cancel`)).status).toBe(200);
      const r2 = await mx.http.post(`/api/training-events/${event.id}/registrations`);
      expect(r2.status).toBe(409);
      expect(r2.body.error.code).toBe('TRAINING_CANCELLED');
      expect((await ppt.http.patch(`/api/training-events/${event.id}`, { capacity: 9 })).status).toBe(409);
    });

    it('training needs: only officers of that country write; members of other networks do not read', async () => {
      const body = {
        needs: [
          { topic: { en: 'Victim identification', es: 'Identificación de víctimas' }, priority: 'high' },
        ],
        offers: [],
      };
      expect((await mx.http.put(`/api/networks/${ST}/training-needs/GT`, body)).status).toBe(403);
      expect((await observer.http.put(`/api/networks/${ST}/training-needs/GT`, body)).status).toBe(403);
      expect((await secretariat.http.put(`/api/networks/${ST}/training-needs/GT`, body)).status).toBe(403);
      expect((await otherNetwork.http.put(`/api/networks/${ST}/training-needs/HN`, body)).status).toBe(403);
      expect((await otherNetwork.http.get(`/api/networks/${ST}/training-needs`)).status).toBe(403);
      expect((await otherNetwork.http.get(`/api/networks/${ST}/training-needs/GT`)).status).toBe(403);
      expect((await nobody.get(`/api/networks/${ST}/training-needs`)).status).toBe(401);
      expect((await ppt.http.get(`/api/networks/${ST}/training-needs/GT`)).body).toEqual({
        country: 'GT',
        needs: [],
        offers: [],
        updatedAt: null,
      });
    });

    it('the calendar token of /api/me can only be rotated by its owner (401 without a session)', async () => {
      expect((await nobody.post('/api/me/calendar-token')).status).toBe(401);
    });
  });

  describe('bad input changes nothing', () => {
    it('names every wrong field, in the error shape', async () => {
      const res = await ppt.http.post(
        '/api/training-events',
        eventBody({
          kind: 'party',
          title: { en: '', es: 'x' },
          timezone: 'Mars/Olympus',
          location: { city: 'X' },
          capacity: 0,
          sponsors: ['ZZ'],
          audience: 'everyone',
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      const fields = res.body.error.details.map((d: any) => d.field);
      for (const f of ['kind', 'title.en', 'timezone', 'location', 'capacity', 'sponsors', 'audience'])
        expect(fields).toContain(f);
      expect((await ppt.http.post('/api/training-events', { ...eventBody(), extra: 1 })).status).toBe(400);
      expect(
        (await ppt.http.post('/api/training-events', eventBody({ endsAt: eventBody().startsAt }))).status,
      ).toBe(400);
      expect((await ppt.http.get('/api/training-events/not-a-uuid')).status).toBe(404);
      expect((await ppt.http.get('/api/training-events?from=yesterday')).status).toBe(400);
      const needs = await ppt.http.put(`/api/networks/${ST}/training-needs/GT`, {
        needs: [{ topic: { en: 'x' }, priority: 'urgent' }],
        offers: [],
      });
      expect(needs.status).toBe(400);
      expect((await ppt.http.get(`/api/networks/${ST}/training-needs/GT`)).body.updatedAt).toBeNull();
    });

    it('a Spanish-speaking caller reads the specific refusal and every field problem in Spanish', async () => {
      const pptEs = await officer(admin, 'GT', [ST], { locale: 'es' });
      const mxEs = await officer(admin, 'MX', [ST], { locale: 'es' });
      const refused = await mxEs.http.post('/api/training-events', eventBody());
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        'Solo los oficiales de enlace del país que ejerce la Presidencia Pro Tempore en todas las redes de la actividad, y la Secretaría Técnica, pueden hacer esto.',
      );
      const needs = await mxEs.http.put(`/api/networks/${ST}/training-needs/GT`, { needs: [], offers: [] });
      expect(needs.status).toBe(403);
      expect(needs.body.error.message).toMatch(/^Solo los oficiales de enlace de este país/);
      const bad = await pptEs.http.post(
        '/api/training-events',
        eventBody({ kind: 'party', timezone: 'Mars/Olympus', capacity: 0, location: { city: 'X' } }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe('La solicitud no es válida.');
      const byField = Object.fromEntries(bad.body.error.details.map((d: any) => [d.field, d.message]));
      expect(byField).toMatchObject({
        kind: 'debe ser uno de exercise, course, seminar, working-session',
        timezone: 'debe ser una zona horaria IANA, como America/Mexico_City',
        capacity: 'debe ser un número entero de 1 a 100000',
        location: 'debe ser {city, country} o {url}',
      });
      const from = await pptEs.http.get('/api/training-events?from=yesterday');
      expect(from.body.error.details).toEqual([
        { field: 'from', message: 'debe ser una fecha y hora ISO 8601' },
      ]);
      const missing = await pptEs.http.get(`/api/training-events/${randomUUID()}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe('No se encontró la actividad de capacitación.');
    });
  });

  describe('allowed', () => {
    it('the OpenAPI document describes the training routes and their answers', async () => {
      const doc = (await nobody.get('/api/docs-json')).body;
      for (const path of [
        '/api/training-events',
        '/api/training-events/{id}/registrations',
        '/api/networks/{slug}/training.ics',
        '/api/networks/{slug}/training-needs',
        '/api/me/calendar-token',
      ])
        expect(Object.keys(doc.paths)).toContain(path);
      expect(doc.components.schemas.TrainingEventDetailDto.properties.myRegistration.nullable).toBe(true);
    });

    it('the secretariat and the PPT create, change, publish; drafts are listed to them only', async () => {
      const bySecretariat = await createEvent(secretariat.http, { networks: [ST, CP] });
      expect(bySecretariat.status).toBe('draft');
      const mine = await createEvent(ppt.http, { networks: [ST, CP] });
      const changed = await ppt.http.patch(`/api/training-events/${mine.id}`, { capacity: 25 });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ capacity: 25, sequence: 0, status: 'draft' });
      const listed = (await ppt.http.get('/api/training-events')).body.map((e: any) => e.id);
      expect(listed).toEqual(expect.arrayContaining([bySecretariat.id, mine.id]));
      expect((await mx.http.get('/api/training-events')).body.map((e: any) => e.id)).not.toContain(mine.id);
      const published = await ppt.http.post(`/api/training-events/${mine.id}/publish`);
      expect(published.status).toBe(200);
      expect((await ppt.http.post(`/api/training-events/${mine.id}/publish`)).status).toBe(409);
      expect((await otherNetwork.http.get(`/api/training-events/${mine.id}`)).status).toBe(200);
    });

    it('an observer registers for an event open to members; registering again answers the same', async () => {
      const event = await publishedEvent(ppt.http, { audience: 'members' });
      const first = await observer.http.post(`/api/training-events/${event.id}/registrations`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ status: 'registered' });
      expect((await observer.http.post(`/api/training-events/${event.id}/registrations`)).body).toEqual({
        status: 'registered',
      });
      expect((await observer.http.get(`/api/training-events/${event.id}`)).body).toMatchObject({
        registered: 1,
        waitlisted: 0,
        myRegistration: 'registered',
      });
      const list = await ppt.http.get(`/api/training-events/${event.id}/registrations`);
      expect(list.body).toEqual([
        {
          user: { id: observer.id, displayName: expect.any(String), country: null },
          status: 'registered',
          registeredAt: expect.any(String),
        },
      ]);
      const csv = await ppt.http.get(`/api/training-events/${event.id}/registrations?format=csv`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.text.split('\r\n')[0]).toBe('name,country,status,registeredAt');
    });

    it('training needs: each country writes its own; the aggregate groups topics across languages', async () => {
      const put = await ppt.http.put(`/api/networks/${ST}/training-needs/GT`, {
        needs: [
          { topic: { en: 'Victim identification', es: 'Identificación de víctimas' }, priority: 'high' },
        ],
        offers: [{ topic: { en: 'Document fraud', es: 'Fraude documental' } }],
      });
      expect(put.status).toBe(200);
      expect(put.body.updatedAt).toEqual(expect.any(String));
      await mx.http.put(`/api/networks/${ST}/training-needs/MX`, {
        needs: [
          { topic: { en: 'Identifying victims', es: 'identificacion de victimas' }, priority: 'medium' },
          { topic: { en: 'Document fraud', es: 'Fraude documental' }, priority: 'low' },
        ],
        offers: [{ topic: { en: 'Victim identification', es: 'Identificación de víctimas' } }],
      });
      const agg = await observer.http.get(`/api/networks/${ST}/training-needs`);
      expect(agg.status).toBe(200);
      expect(agg.body.countries.map((c: any) => c.country)).toEqual(['GT', 'MX']);
      expect(agg.body.topics[0]).toEqual({
        topic: { en: 'Victim identification', es: 'Identificación de víctimas' },
        neededBy: [
          { country: 'GT', priority: 'high' },
          { country: 'MX', priority: 'medium' },
        ],
        offeredBy: ['MX'],
      });
      expect(agg.body.topics[1]).toMatchObject({
        neededBy: [{ country: 'MX', priority: 'low' }],
        offeredBy: ['GT'],
      });
    });

    it('after the registration deadline: 409 REGISTRATION_CLOSED (in the caller language); withdrawal still works', async () => {
      const event = await publishedEvent(ppt.http, {
        registrationDeadline: new Date(clock.now().getTime() + 5 * 60_000).toISOString(),
      });
      expect((await mx.http.post(`/api/training-events/${event.id}/registrations`)).body.status).toBe(
        'registered',
      );
      const spanish = await officer(admin, 'SV', [ST], { locale: 'es' });
      clock.advance(10 * 60_000); // access tokens live 15 minutes
      try {
        const late = await ppt.http.post(`/api/training-events/${event.id}/registrations`);
        expect(late.status).toBe(409);
        expect(late.body.error.code).toBe('REGISTRATION_CLOSED');
        const es = await spanish.http.post(`/api/training-events/${event.id}/registrations`);
        expect(es.body.error.message).toBe('La inscripción a esta actividad de capacitación está cerrada.');
        // already registered: the same answer, nothing new
        expect((await mx.http.post(`/api/training-events/${event.id}/registrations`)).body.status).toBe(
          'registered',
        );
        expect((await mx.http.delete(`/api/training-events/${event.id}/registrations`)).status).toBe(204);
      } finally {
        clock.advance(-10 * 60_000);
      }
    });
  });
});
