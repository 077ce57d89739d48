import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { AdminUser, Locale, Me, NetworkSlug, PresidencyTerm } from '../api/types.js';
import { MEMBER_COUNTRIES } from '../api/types.js';
import { AccountState } from '../components/account-state.js';
import { ErrorNote, Field, Loading } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLoad } from '../hooks.js';

const NETWORKS: NetworkSlug[] = ['smuggling-trafficking', 'consular-protection'];
type Role = 'none' | 'officer' | 'observer';

/** Administration for admins and the Technical Secretariat: users, their memberships, the PPT term. */
export default function Admin() {
  const { t } = useTranslation();
  const me = session.user!;
  const allowed = me.roles.includes('admin') || me.roles.includes('secretariat');
  if (!allowed) {
    return (
      <main id="main" tabIndex={-1}>
        <p role="alert">{t('admin.forbidden')}</p>
      </main>
    );
  }
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('admin.title')}</h1>
      <Presidency />
      {me.roles.includes('admin') && <QueueBoard />}
      <Users />
    </main>
  );
}

/** The operators' view of the job queues (bull-board, read-only): a cookie for it, then the page itself. */
function QueueBoard() {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [opening, setOpening] = useState(false);
  const open = async () => {
    setError(null);
    setOpening(true);
    try {
      await api.post('/admin/queues/session');
      window.location.assign('/admin/queues');
    } catch (err) {
      setError(err);
      setOpening(false);
    }
  };
  return (
    <section className="card" aria-labelledby="queues-h">
      <h2 id="queues-h">{t('admin.queues')}</h2>
      <p>{t('admin.queuesHelp')}</p>
      <button type="button" onClick={() => void open()} disabled={opening}>
        {t('admin.openQueues')}
      </button>
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}

function Presidency() {
  const { t } = useTranslation();
  const f = useFormat();
  const term = useLoad(() => api.get<PresidencyTerm | null>('/presidency'), []);
  const [country, setCountry] = useState('MX');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.put('/admin/presidency', { country, startsOn, endsOn });
      setSaved(true);
      term.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="ppt-h">
      <h2 id="ppt-h">{t('admin.ppt')}</h2>
      {term.data === undefined && !term.error ? (
        <Loading />
      ) : term.data ? (
        <p>
          {t('admin.pptCurrent', {
            country: f.country(term.data.country),
            from: f.date(term.data.startsOn),
            to: f.date(term.data.endsOn),
          })}
        </p>
      ) : (
        <p>{t('admin.pptNone')}</p>
      )}
      <form className="inline-form" onSubmit={submit}>
        <Field label={t('admin.country')}>
          {(id) => (
            <select id={id} value={country} onChange={(e) => setCountry(e.target.value)}>
              {MEMBER_COUNTRIES.map((c) => (
                <option key={c} value={c}>
                  {f.country(c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('admin.startsOn')}>
          {(id) => (
            <input
              id={id}
              type="date"
              required
              value={startsOn}
              onChange={(e) => setStartsOn(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('admin.endsOn')}>
          {(id) => (
            <input id={id} type="date" required value={endsOn} onChange={(e) => setEndsOn(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="primary">
          {t('admin.setTerm')}
        </button>
      </form>
      {saved && <p role="status">{t('admin.saved')}</p>}
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}

function roleIn(u: Me, n: NetworkSlug): Role {
  return u.memberships.find((m) => m.network === n)?.role ?? 'none';
}

function Users() {
  const { t } = useTranslation();
  const users = useLoad(() => api.get<AdminUser[]>('/admin/users'), []);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="users-h">
      <h2 id="users-h">{t('admin.users')}</h2>
      {users.error ? <ErrorNote error={users.error} onRetry={users.reload} /> : null}
      {!users.data && !users.error && <Loading />}
      {users.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.country')}</th>
                <th scope="col">{t('admin.roles')}</th>
                <th scope="col">{t('admin.memberships')}</th>
                <th scope="col">{t('myAccount.access')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.displayName}</th>
                  <td>{u.email}</td>
                  <td>{u.country ?? u.organization ?? ''}</td>
                  <td>{u.roles.join(', ')}</td>
                  <td>
                    {editing === u.id ? (
                      <Memberships
                        user={u}
                        onDone={(updated) => {
                          setEditing(null);
                          if (updated)
                            users.set((list) => list?.map((x) => (x.id === updated.id ? updated : x)));
                        }}
                      />
                    ) : (
                      <>
                        {u.memberships.map((m) => `${m.network}: ${t(`admin.role_${m.role}`)}`).join('; ') ||
                          t('app.none')}{' '}
                        {u.id !== session.user?.id && (
                          <button type="button" onClick={() => setEditing(u.id)}>
                            {t('channel.edit')}
                            <span className="sr-only">
                              : {t('admin.editMemberships', { name: u.displayName })}
                            </span>
                          </button>
                        )}
                      </>
                    )}
                  </td>
                  <td>
                    <AccountState
                      user={u}
                      onChange={(updated) =>
                        users.set((list) => list?.map((x) => (x.id === updated.id ? updated : x)))
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateUser onCreated={users.reload} />
    </section>
  );
}

function Memberships({ user, onDone }: { user: AdminUser; onDone: (u?: AdminUser) => void }) {
  const { t } = useTranslation();
  const [roles, setRoles] = useState<Record<NetworkSlug, Role>>(
    () => Object.fromEntries(NETWORKS.map((n) => [n, roleIn(user, n)])) as Record<NetworkSlug, Role>,
  );
  const [error, setError] = useState<unknown>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const memberships = NETWORKS.filter((n) => roles[n] !== 'none').map((n) => ({
        network: n,
        role: roles[n],
      }));
      onDone(await api.put<AdminUser>(`/admin/users/${user.id}/memberships`, { memberships }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={save} aria-label={t('admin.editMemberships', { name: user.displayName })}>
      {NETWORKS.map((n) => (
        <Field key={n} label={t(`networkName.${n}`)}>
          {(id) => (
            <select
              id={id}
              value={roles[n]}
              onChange={(e) => setRoles({ ...roles, [n]: e.target.value as Role })}
            >
              {(['none', 'officer', 'observer'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`admin.role_${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      ))}
      <button type="submit" className="primary">
        {t('app.save')}
      </button>{' '}
      <button type="button" onClick={() => onDone()}>
        {t('app.cancel')}
      </button>
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [form, setForm] = useState({
    email: '',
    password: '',
    displayName: '',
    country: 'GT',
    locale: 'es' as Locale,
    timezone: 'America/Guatemala',
    network: 'smuggling-trafficking' as NetworkSlug,
    role: 'officer' as 'officer' | 'observer',
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.post('/admin/users', {
        email: form.email,
        password: form.password,
        displayName: form.displayName,
        country: form.country,
        locale: form.locale,
        timezone: form.timezone,
        memberships: [{ network: form.network, role: form.role }],
      });
      setSaved(true);
      setForm({ ...form, email: '', password: '', displayName: '' });
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="create-user" aria-labelledby="create-user-h">
      <h3 id="create-user-h">{t('admin.create')}</h3>
      <Field label={t('admin.name')}>
        {(id) => <input id={id} required value={form.displayName} onChange={set('displayName')} />}
      </Field>
      <Field label={t('admin.email')}>
        {(id) => (
          <input
            id={id}
            type="email"
            required
            value={form.email}
            onChange={set('email')}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label={t('admin.password')}>
        {(id) => (
          <input
            id={id}
            type="password"
            required
            minLength={12}
            value={form.password}
            onChange={set('password')}
            autoComplete="new-password"
          />
        )}
      </Field>
      <Field label={t('admin.country')}>
        {(id) => (
          <select id={id} value={form.country} onChange={set('country')}>
            {MEMBER_COUNTRIES.map((c) => (
              <option key={c} value={c}>
                {f.country(c)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('admin.locale')}>
        {(id) => (
          <select id={id} value={form.locale} onChange={set('locale')}>
            <option value="en">English</option>
            <option value="es">Español</option>
          </select>
        )}
      </Field>
      <Field label={t('admin.timezone')}>
        {(id) => <input id={id} required value={form.timezone} onChange={set('timezone')} />}
      </Field>
      <Field label={t('app.network')}>
        {(id) => (
          <select id={id} value={form.network} onChange={set('network')}>
            {NETWORKS.map((n) => (
              <option key={n} value={n}>
                {t(`networkName.${n}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('admin.memberships')}>
        {(id) => (
          <select id={id} value={form.role} onChange={set('role')}>
            <option value="officer">{t('admin.role_officer')}</option>
            <option value="observer">{t('admin.role_observer')}</option>
          </select>
        )}
      </Field>
      {error ? <ErrorNote error={error} /> : null}
      {saved && <p role="status">{t('admin.saved')}</p>}
      <button type="submit" className="primary">
        {t('admin.create')}
      </button>
    </form>
  );
}
