import Handlebars from 'handlebars';
import { createRequire } from 'node:module';
import { DateTime } from 'luxon';
import {
  type Bilingual,
  FOOTER,
  formatDateTime,
  type MailLocale,
  pick,
  type RenderedMail,
} from '../format.js';
import { DIGEST_TEXT } from './digest-texts.js';

/** What a digest shows of one network (built by the domain for one reader; never content). */
export interface DigestSectionInput {
  name: Bilingual;
  officer: boolean;
  training: Array<{ title: Bilingual; startsAt: Date; link: string }>;
  followUps: { open: number; overdue: number };
  newCases: Array<{ reference: string; title: string | null; link: string }>;
  dueForCountry: Array<{ title: string; dueAt: Date; overdue: boolean; link: string }>;
  unread: Array<{ channel: string; count: number; link: string }>;
}

export interface DigestMailInput {
  locale: MailLocale;
  timezone: string;
  recipientName: string | null;
  frequency: 'daily' | 'weekly';
  from: Date;
  to: Date;
  networks: DigestSectionInput[];
  unsubscribeUrl: string;
  manageUrl: string;
}

const STYLE = `
  body { margin: 0; padding: 24px; background: #f4f5f7; font-family: Arial, Helvetica, sans-serif; color: #1f2933; }
  .card { max-width: 640px; margin: 0 auto; background: #ffffff; border-radius: 6px; padding: 24px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  h2 { font-size: 17px; margin: 24px 0 8px; padding-top: 12px; border-top: 1px solid #e5e7eb; color: #1d4ed8; }
  h3 { font-size: 14px; margin: 16px 0 4px; color: #374151; }
  p, li, td { font-size: 14px; line-height: 20px; }
  .muted { color: #6b7280; }
  .counts td { padding: 2px 16px 2px 0; }
  .tag { color: #b91c1c; font-weight: bold; }
  a { color: #1d4ed8; }
  .button { display: inline-block; background: #1d4ed8; color: #ffffff; padding: 10px 16px; border-radius: 4px; text-decoration: none; }
  .footer { margin-top: 32px; font-size: 12px; color: #6b7280; }
`;

/**
 * CSS is inlined into the template once, at its first use (juice keeps the Handlebars expressions, which sit in text and
 * attribute values): rendering a digest is then a template call, not an HTML parse per message.
 */
function inlined(template: string): (view: object) => string {
  let compiled: HandlebarsTemplateDelegate | undefined;
  return (view) => {
    // juice (and its HTML parser) is loaded on the first email, not at start-up of every process
    compiled ??= Handlebars.compile(
      (createRequire(import.meta.url)('juice') as (html: string) => string)(template),
    );
    return compiled(view);
  };
}

const DIGEST_HTML = inlined(`<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{subject}}</title>
<style>${STYLE}</style></head>
<body><div class="card">
<h1>{{hello}}</h1>
<p class="muted">{{intro}}</p>
{{#each networks}}
<h2>{{name}}</h2>
<h3>{{../t.training}}</h3>
{{#if training.length}}<ul>{{#each training}}<li><a href="{{link}}">{{title}}</a> — {{when}}</li>{{/each}}</ul>
{{else}}<p class="muted">{{../t.noTraining}}</p>{{/if}}
<h3>{{../t.followUps}}</h3>
<table class="counts" role="presentation"><tr><td>{{../t.open}}</td><td><strong>{{open}}</strong></td></tr>
<tr><td>{{../t.overdue}}</td><td><strong>{{overdue}}</strong></td></tr></table>
{{#if newCases.length}}<h3>{{../t.newCases}}</h3><ul>{{#each newCases}}<li><a href="{{link}}">{{reference}}</a>{{#if title}} — {{title}}{{else}} <span class="muted">{{../../t.involvedNote}}</span>{{/if}}</li>{{/each}}</ul>{{/if}}
{{#if due.length}}<h3>{{dueHeading}}</h3><ul>{{#each due}}<li><a href="{{link}}">{{title}}</a> — {{when}}{{#if overdue}} <span class="tag">{{../../t.overdueTag}}</span>{{/if}}</li>{{/each}}</ul>{{/if}}
{{#if unread.length}}<h3>{{../t.unread}}</h3><ul>{{#each unread}}<li><a href="{{link}}">{{line}}</a></li>{{/each}}</ul>{{/if}}
{{/each}}
<p class="footer">{{footerWhy}}<br><a href="{{manageUrl}}">{{t.manage}}</a> · <a href="{{unsubscribeUrl}}">{{t.unsubscribe}}</a><br>{{footer}}</p>
</div></body></html>`);

const DIGEST_TEXT_TEMPLATE = Handlebars.compile(
  `{{hello}}

{{intro}}
{{#each networks}}

== {{name}} ==

{{../t.training}}:
{{#if training.length}}{{#each training}}  - {{title}} — {{when}}
    {{link}}
{{/each}}{{else}}  {{../t.noTraining}}
{{/if}}
{{../t.followUps}}: {{../t.open}} {{open}} · {{../t.overdue}} {{overdue}}
{{#if newCases.length}}
{{../t.newCases}}:
{{#each newCases}}  - {{reference}}{{#if title}} — {{title}}{{else}} {{../../t.involvedNote}}{{/if}}
    {{link}}
{{/each}}{{/if}}{{#if due.length}}
{{dueHeading}}:
{{#each due}}  - {{title}} — {{when}}{{#if overdue}} [{{../../t.overdueTag}}]{{/if}}
    {{link}}
{{/each}}{{/if}}{{#if unread.length}}
{{../t.unread}}:
{{#each unread}}  - {{line}}  {{link}}
{{/each}}{{/if}}{{/each}}
-- 
{{footerWhy}}
{{t.manage}}: {{manageUrl}}
{{t.unsubscribe}}: {{unsubscribeUrl}}
{{footer}}
`,
  { noEscape: true },
);

function localDate(date: Date, timezone: string, locale: MailLocale): string {
  let dt = DateTime.fromJSDate(date).setZone(timezone || 'UTC');
  if (!dt.isValid) dt = DateTime.fromJSDate(date).setZone('UTC');
  return dt.setLocale(locale).toLocaleString(DateTime.DATE_FULL);
}

/** The digest email: text and HTML (CSS inlined for mail clients), the reader's language and time zone. */
export function digestMail(input: DigestMailInput): RenderedMail {
  const t = DIGEST_TEXT[input.locale];
  const when = (d: Date) => formatDateTime(d, input.timezone, input.locale);
  const subject = t.digestSubject(t[input.frequency], localDate(input.to, input.timezone, input.locale));
  const view = {
    lang: input.locale,
    subject,
    t,
    hello: t.hello(input.recipientName),
    intro: t.intro(when(input.from), when(input.to)),
    networks: input.networks.map((n) => ({
      name: pick(n.name, input.locale),
      training: n.training.map((e) => ({
        title: pick(e.title, input.locale),
        when: when(e.startsAt),
        link: e.link,
      })),
      open: n.followUps.open,
      overdue: n.followUps.overdue,
      newCases: n.newCases,
      dueHeading: t.dueForCountry,
      due: n.dueForCountry.map((f) => ({
        title: f.title,
        when: when(f.dueAt),
        overdue: f.overdue,
        link: f.link,
      })),
      unread: n.unread.map((u) => ({ line: t.unreadLine(u.channel, u.count), link: u.link })),
    })),
    footerWhy: t.footerWhy,
    footer: pick(FOOTER, input.locale),
    unsubscribeUrl: input.unsubscribeUrl,
    manageUrl: input.manageUrl,
  };
  return { subject, text: DIGEST_TEXT_TEMPLATE(view), html: DIGEST_HTML(view) };
}

const SIMPLE_HTML = inlined(`<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{subject}}</title>
<style>${STYLE}</style></head>
<body><div class="card">
<h1>{{hello}}</h1>
{{#each paragraphs}}<p>{{this}}</p>{{/each}}
{{#if details.length}}<ul>{{#each details}}<li>{{this}}</li>{{/each}}</ul>{{/if}}
<p><a class="button" href="{{link}}">{{button}}</a></p>
{{#each after}}<p class="muted">{{this}}</p>{{/each}}
<p class="footer">{{footer}}</p>
</div></body></html>`);

interface SimpleView {
  locale: MailLocale;
  subject: string;
  hello: string;
  paragraphs: string[];
  details?: string[];
  link: string;
  button: string;
  after?: string[];
}

function simpleMail(v: SimpleView): RenderedMail {
  const footer = pick(FOOTER, v.locale);
  const html = SIMPLE_HTML({ ...v, lang: v.locale, footer });
  const text = [
    v.hello,
    '',
    ...v.paragraphs.flatMap((p) => [p, '']),
    ...(v.details?.length ? [...v.details.map((d) => `  - ${d}`), ''] : []),
    v.link,
    '',
    ...(v.after ?? []).flatMap((p) => [p, '']),
    '-- ',
    footer,
  ].join('\n');
  return { subject: v.subject, text, html };
}

export interface DigestConfirmationMailInput {
  locale: MailLocale;
  confirmUrl: string;
  networks: Bilingual[];
  frequency: 'daily' | 'weekly';
  hour: number;
  timezone: string;
  expiresAt: Date;
}

/** The only email before confirmation: the link opens a page whose button confirms (a prefetch confirms nothing). */
export function digestConfirmationMail(input: DigestConfirmationMailInput): RenderedMail {
  const t = DIGEST_TEXT[input.locale];
  const hour = `${String(input.hour).padStart(2, '0')}:00`;
  return simpleMail({
    locale: input.locale,
    subject: t.confirmSubject,
    hello: t.hello(null),
    paragraphs: [t.confirmIntro],
    details: [
      ...input.networks.map((n) => pick(n, input.locale)),
      t.confirmSettings(t[input.frequency], hour, input.timezone),
    ],
    link: input.confirmUrl,
    button: t.confirmButton,
    after: [
      t.confirmAction,
      t.confirmExpires(formatDateTime(input.expiresAt, input.timezone, input.locale)),
      t.confirmIgnore,
    ],
  });
}

export interface MissedMessagesMailInput {
  locale: MailLocale;
  recipientName: string;
  place: { kind: 'channel' | 'case'; label: string; network: Bilingual };
  count: number;
  link: string;
}

/** One email per channel or case thread: where, how many, a link; never the content. */
export function missedMessagesMail(input: MissedMessagesMailInput): RenderedMail {
  const t = DIGEST_TEXT[input.locale];
  const place = input.place.kind === 'case' ? t.case(input.place.label) : t.channel(input.place.label);
  return simpleMail({
    locale: input.locale,
    subject: t.missedSubject(input.count, place),
    hello: t.hello(input.recipientName),
    paragraphs: [t.missedIntro(input.count, place, pick(input.place.network, input.locale)), t.missedAction],
    link: input.link,
    button: t.missedButton,
  });
}
