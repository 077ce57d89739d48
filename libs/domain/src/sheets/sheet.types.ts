import type { Bilingual } from '../common/domain-error.js';
import type { EventUser } from '../common/domain-events.js';

/** One stored version of a country's sheet on a topic. */
export interface SheetVersionRow {
  country: string;
  topic: string;
  version: number;
  bodyEn: string;
  bodyEs: string;
  createdAt: Date;
  author: EventUser | null;
}

/** A topic of a country's library: its latest version, or nulls when none is published yet. */
export interface SheetSummaryView {
  country: string;
  topic: string;
  title: Bilingual;
  version: number | null;
  updatedAt: string | null;
  updatedBy: EventUser | null;
}

/** A version as readers get it: the Markdown source and the HTML the server rendered from it (safe to show). */
export interface SheetView {
  country: string;
  topic: string;
  title: Bilingual;
  version: number;
  /** The latest version's number: `version` is earlier when a reader asked for an earlier one. */
  latestVersion: number;
  body: Bilingual;
  html: Bilingual;
  updatedAt: string;
  updatedBy: EventUser | null;
}

export interface SheetVersionEntry {
  version: number;
  updatedAt: string;
  updatedBy: EventUser | null;
}

/** A row of the staleness view: one member country and topic. */
export interface SheetFreshnessView {
  country: string;
  topic: string;
  version: number | null;
  updatedAt: string | null;
  stale: boolean;
}

/** What the `sheet.published` socket event carries. */
export type SheetPublishedEvent = SheetSummaryView & { version: number; updatedAt: string };
