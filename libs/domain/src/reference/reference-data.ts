import type { Bilingual } from '../common/domain-error.js';

/** Reference data from DOMAIN.md, written idempotently at every start. */
export const MEMBER_COUNTRIES: Array<[string, string, string]> = [
  ['BZ', 'Belize', 'Belice'],
  ['CA', 'Canada', 'Canadá'],
  ['CR', 'Costa Rica', 'Costa Rica'],
  ['DO', 'Dominican Republic', 'República Dominicana'],
  ['SV', 'El Salvador', 'El Salvador'],
  ['GT', 'Guatemala', 'Guatemala'],
  ['HN', 'Honduras', 'Honduras'],
  ['MX', 'Mexico', 'México'],
  ['NI', 'Nicaragua', 'Nicaragua'],
  ['PA', 'Panama', 'Panamá'],
  ['US', 'United States', 'Estados Unidos'],
];

export const OBSERVER_COUNTRIES: Array<[string, string, string]> = [
  ['AR', 'Argentina', 'Argentina'],
  ['CO', 'Colombia', 'Colombia'],
  ['EC', 'Ecuador', 'Ecuador'],
  ['PE', 'Peru', 'Perú'],
];

export const MEMBER_COUNTRY_CODES = MEMBER_COUNTRIES.map(([code]) => code);
/** Members and observers: the countries of the RCM. */
export const RCM_COUNTRY_CODES = [...MEMBER_COUNTRY_CODES, ...OBSERVER_COUNTRIES.map(([code]) => code)];

/** What a country field takes, in both languages, with the valid codes listed so a person can correct it. */
export function countryCodeHint(which: 'member' | 'rcm'): Bilingual {
  return which === 'member'
    ? {
        en: `must be the code of a member country: ${MEMBER_COUNTRY_CODES.join(', ')}`,
        es: `debe ser el código de un país miembro: ${MEMBER_COUNTRY_CODES.join(', ')}`,
      }
    : {
        en: `must be the code of a member or observer country: ${RCM_COUNTRY_CODES.join(', ')}`,
        es: `debe ser el código de un país miembro u observador: ${RCM_COUNTRY_CODES.join(', ')}`,
      };
}

export const ORGANIZATIONS: Array<[string, string, string]> = [
  ['IOM', 'International Organization for Migration', 'Organización Internacional para las Migraciones'],
  [
    'UNHCR',
    'Office of the United Nations High Commissioner for Refugees',
    'Alto Comisionado de las Naciones Unidas para los Refugiados',
  ],
  ['ECLAC-CELADE', 'ECLAC/CELADE', 'CEPAL/CELADE'],
  [
    'RNCOM',
    'Regional Network of Civil Organizations for Migration',
    'Red Regional de Organizaciones Civiles para las Migraciones',
  ],
];

export const NETWORK_SLUGS = ['smuggling-trafficking', 'consular-protection'] as const;
export type NetworkSlug = (typeof NETWORK_SLUGS)[number];

export const NETWORKS: Array<{ slug: NetworkSlug; en: string; es: string; casePrefix: string }> = [
  {
    slug: 'smuggling-trafficking',
    en: 'Liaison Officer Network to Combat Migrant Smuggling and Trafficking',
    es: 'Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas',
    casePrefix: 'ST',
  },
  {
    slug: 'consular-protection',
    en: 'Liaison Officer Network for Consular Protection',
    es: 'Red de Funcionarios de Enlace de Protección Consular',
    casePrefix: 'CP',
  },
];

/**
 * Each network starts with these channels: readable by every member of the network, except `cases`, which is for
 * officers only (observers never see case talk; migration 1764370000100 moved existing deployments).
 */
export const DEFAULT_CHANNELS: ReadonlyArray<{ name: string; visibility: 'network' | 'officers' }> = [
  { name: 'general', visibility: 'network' },
  { name: 'cases', visibility: 'officers' },
  { name: 'follow-up', visibility: 'network' },
  { name: 'training', visibility: 'network' },
];
