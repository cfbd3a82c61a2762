/**
 * Per-tab counts as content scripts report them, one report per frame: the pure part of what the
 * worker keeps in storage.session. A tab's counts are its frames' counts summed.
 */
import { NO_COUNTS, type TabCounts } from '../shared/protocol';

export interface FrameReport {
  frameId: number;
  /** The reporting document: a new one in the top frame means a new page. */
  documentId: string | undefined;
  /** The tab's URL when the frame reported. */
  tabUrl: string;
  counts: TabCounts;
}

export interface TabRecord {
  /** The page the counts belong to, without its fragment. */
  page: string;
  frames: Record<string, { documentId?: string; counts: TabCounts }>;
}

/** The URL without its fragment: following an in-page link keeps the document, and its images. */
export function pageOf(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * The tab's record with one frame's report in it. A report from a new top document (a reload) or
 * from another page starts over: the frames of the old page are gone, whether they said so or not.
 */
export function withFrameReport(record: TabRecord | undefined, report: FrameReport): TabRecord {
  const page = pageOf(report.tabUrl);
  const frames = record === undefined || record.page !== page || isNewTopDocument(record, report) ? {} : { ...record.frames };
  frames[String(report.frameId)] = report.documentId === undefined ? { counts: report.counts } : { documentId: report.documentId, counts: report.counts };
  return { page, frames };
}

function isNewTopDocument(record: TabRecord, report: FrameReport): boolean {
  const top = record.frames['0'];
  return report.frameId === 0 && top?.documentId !== undefined && top.documentId !== report.documentId;
}

/**
 * Whether the report of a new top document drops subframes' reports along with the old page's: a
 * reloaded page's frames may report before its top frame does (an iframe served from the cache while
 * the page's own scripts still run), and each reports again only when its counts change. They are
 * asked to (see tab-life's recount).
 */
export function dropsSubframes(record: TabRecord | undefined, report: FrameReport): boolean {
  return record !== undefined && isNewTopDocument(record, report) && Object.keys(record.frames).some((frameId) => frameId !== '0');
}

/** The document that reported from the tab's top frame; undefined in Firefox (it names no documents) or if that frame never reported. */
export function reportedTopDocument(record: TabRecord): string | undefined {
  return record.frames['0']?.documentId;
}

/** Whether the tab now shows another page than the one its counts belong to. */
export function isOtherPage(record: TabRecord, url: string): boolean {
  return record.page !== pageOf(url);
}

export function sumCounts(all: Iterable<TabCounts>): TabCounts {
  const sum = { ...NO_COUNTS };
  for (const counts of all) {
    sum.enhanced += counts.enhanced;
    sum.queued += counts.queued;
    sum.failed += counts.failed;
  }
  return sum;
}

export function tabTotal(record: TabRecord | undefined): TabCounts {
  return sumCounts(Object.values(record?.frames ?? {}).map((frame) => frame.counts));
}

/** The toolbar badge: images enhanced on the tab, nothing when none, and at most four characters. */
export function badgeText(counts: TabCounts): string {
  if (counts.enhanced === 0) return '';
  return counts.enhanced > 999 ? '999+' : String(counts.enhanced);
}
