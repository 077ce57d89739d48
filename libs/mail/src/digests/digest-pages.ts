import Handlebars from 'handlebars';
import type { MailLocale } from '../format.js';

/**
 * The small server-rendered pages behind the links of digest emails (until the web client has its own screens).
 * Each action is a form whose button POSTs: opening a link (a mail scanner or prefetcher) changes nothing.
 */

const PAGE = Handlebars.compile(`<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>{{title}}</title>
<style>
body{margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933}
main{max-width:560px;margin:0 auto;background:#fff;border-radius:6px;padding:24px}
h1{font-size:20px}button{font-size:15px;padding:10px 16px;border-radius:4px;border:1px solid #1d4ed8;cursor:pointer;margin:4px 0}
.primary{background:#1d4ed8;color:#fff}.secondary{background:#fff;color:#1d4ed8}.muted{color:#6b7280;font-size:13px}
section+section{margin-top:24px;padding-top:16px;border-top:1px solid #e5e7eb}
</style></head>
<body><main>
{{#each sections}}<section lang="{{lang}}">
<h1>{{title}}</h1>
{{#each paragraphs}}<p>{{this}}</p>{{/each}}
{{#each forms}}<form method="post" action="{{action}}">{{#each fields}}<input type="hidden" name="{{name}}" value="{{value}}">{{/each}}<button type="submit" class="{{kind}}">{{label}}</button></form>{{/each}}
</section>{{/each}}
<p class="muted">Enlace</p>
</main></body></html>`);

interface Section {
  lang: MailLocale;
  title: string;
  paragraphs: string[];
  forms?: Array<{
    action: string;
    fields: Array<{ name: string; value: string }>;
    label: string;
    kind: 'primary' | 'secondary';
  }>;
}

function page(sections: Section[]): string {
  return PAGE({ lang: sections[0].lang, title: sections[0].title, sections });
}

const enc = encodeURIComponent;

const UNSUB = {
  en: {
    title: 'Unsubscribe from the Enlace digest',
    intro: (email: string, f: string) => `The ${f} digest is sent to ${email}.`,
    unsubscribe: 'Unsubscribe',
    weekly: 'Get it weekly instead',
    unsubscribed: 'You are unsubscribed',
    unsubscribedText: 'No more digests will be sent to this address.',
    weeklyDone: 'You will get the digest weekly',
    weeklyText: 'It will arrive on Mondays at the hour you chose.',
    daily: 'daily',
    weeklyWord: 'weekly',
  },
  es: {
    title: 'Cancelar la suscripción al resumen de Enlace',
    intro: (email: string, f: string) => `El resumen ${f} se envía a ${email}.`,
    unsubscribe: 'Cancelar la suscripción',
    weekly: 'Recibirlo semanalmente',
    unsubscribed: 'Su suscripción está cancelada',
    unsubscribedText: 'No se enviarán más resúmenes a esta dirección.',
    weeklyDone: 'Recibirá el resumen semanalmente',
    weeklyText: 'Llegará los lunes a la hora que eligió.',
    daily: 'diario',
    weeklyWord: 'semanal',
  },
};

export interface UnsubscribePageInput {
  locale: MailLocale;
  token: string;
  email: string;
  frequency: 'daily' | 'weekly';
  status: 'pending' | 'active' | 'unsubscribed';
}

/** GET <List-Unsubscribe URL>: one button unsubscribes, the other keeps a weekly digest. */
export function unsubscribePage(input: UnsubscribePageInput, done?: 'unsubscribed' | 'weekly'): string {
  const t = UNSUB[input.locale];
  const action = `/digest/unsubscribe?token=${enc(input.token)}`;
  const unsubscribe = {
    action,
    fields: [{ name: 'List-Unsubscribe', value: 'One-Click' }],
    label: t.unsubscribe,
    kind: 'primary' as const,
  };
  const weekly = {
    action,
    fields: [{ name: 'action', value: 'weekly' }],
    label: t.weekly,
    kind: 'secondary' as const,
  };
  if (done === 'weekly')
    return page([
      { lang: input.locale, title: t.weeklyDone, paragraphs: [t.weeklyText], forms: [unsubscribe] },
    ]);
  if (done === 'unsubscribed' || input.status === 'unsubscribed')
    return page([
      { lang: input.locale, title: t.unsubscribed, paragraphs: [t.unsubscribedText], forms: [weekly] },
    ]);
  const forms = input.frequency === 'weekly' ? [unsubscribe] : [unsubscribe, weekly];
  return page([
    {
      lang: input.locale,
      title: t.title,
      paragraphs: [t.intro(input.email, input.frequency === 'daily' ? t.daily : t.weeklyWord)],
      forms,
    },
  ]);
}

export function digestNotFoundPage(): string {
  return page([
    { lang: 'en', title: 'Not found', paragraphs: ['This link is not valid.'] },
    { lang: 'es', title: 'No encontrado', paragraphs: ['Este enlace no es válido.'] },
  ]);
}
