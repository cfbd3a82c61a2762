import { describe, expect, it } from 'vitest';
import { NO_COUNTS, type TabCounts } from '../shared/protocol';
import { badgeText, dropsSubframes, isOtherPage, pageOf, sumCounts, tabTotal, withFrameReport, type FrameReport, type TabRecord } from './frame-counts';

const counts = (enhanced: number, queued = 0, failed = 0): TabCounts => ({ enhanced, queued, failed });
const report = (frameId: number, c: TabCounts, documentId = `doc-${frameId}`, tabUrl = 'https://example.com/a'): FrameReport => ({ frameId, documentId, tabUrl, counts: c });

describe('sumCounts', () => {
  it('adds each count', () => expect(sumCounts([counts(1, 2, 3), counts(4, 5, 6)])).toEqual(counts(5, 7, 9)));
  it('is zero for nothing', () => expect(sumCounts([])).toEqual(NO_COUNTS));
});

describe('withFrameReport', () => {
  it('sums a tab over its frames', () => {
    let record = withFrameReport(undefined, report(0, counts(2, 1)));
    record = withFrameReport(record, report(5, counts(3, 0, 1)));
    expect(tabTotal(record)).toEqual(counts(5, 1, 1));
  });

  it("replaces a frame's earlier report", () => {
    let record = withFrameReport(undefined, report(0, counts(0, 4)));
    record = withFrameReport(record, report(0, counts(4, 0)));
    expect(tabTotal(record)).toEqual(counts(4));
  });

  it('starts over when the top frame holds a new document (a reload)', () => {
    let record = withFrameReport(undefined, report(0, counts(2)));
    record = withFrameReport(record, report(3, counts(7)));
    record = withFrameReport(record, report(0, counts(0, 1), 'doc-after-reload'));
    expect(tabTotal(record)).toEqual(counts(0, 1));
  });

  it("says when a new top document drops subframes' reports, which may be its own frames' (they reported first)", () => {
    let record = withFrameReport(undefined, report(0, counts(2)));
    expect(dropsSubframes(record, report(0, counts(1), 'doc-after-reload'))).toBe(false);
    record = withFrameReport(record, report(3, counts(7), 'frame-of-the-new-page'));
    expect(dropsSubframes(record, report(0, counts(1)))).toBe(false);
    expect(dropsSubframes(record, report(3, counts(1), 'frame-again'))).toBe(false);
    expect(dropsSubframes(record, report(0, counts(1), 'doc-after-reload'))).toBe(true);
    expect(dropsSubframes(undefined, report(0, counts(1), 'doc-after-reload'))).toBe(false);
  });

  it('keeps the other frames when a subframe holds a new document', () => {
    let record = withFrameReport(undefined, report(0, counts(2)));
    record = withFrameReport(record, report(3, counts(7)));
    record = withFrameReport(record, report(3, counts(1), 'doc-3-again'));
    expect(tabTotal(record)).toEqual(counts(3));
  });

  it('starts over when the report is from another page', () => {
    const record = withFrameReport(undefined, report(0, counts(2), 'doc', 'https://example.com/a'));
    const next = withFrameReport(record, report(2, counts(1), 'doc-2', 'https://example.com/b'));
    expect(next.page).toBe('https://example.com/b');
    expect(tabTotal(next)).toEqual(counts(1));
  });

  it('leaves the stored record as it was', () => {
    const record = withFrameReport(undefined, report(0, counts(2)));
    const copy = structuredClone(record);
    withFrameReport(record, report(1, counts(9)));
    expect(record).toEqual(copy);
  });

  it('stores no documentId when the sender had none', () => {
    expect(withFrameReport(undefined, { frameId: 0, documentId: undefined, tabUrl: 'https://e.com/', counts: counts(1) }).frames['0']).toEqual({ counts: counts(1) });
  });
});

describe('tabTotal', () => {
  it('is zero for a tab that never reported', () => expect(tabTotal(undefined)).toEqual(NO_COUNTS));
});

describe('isOtherPage', () => {
  const record: TabRecord = { page: 'https://example.com/a?q=1', frames: {} };
  it('is false for an in-page link', () => expect(isOtherPage(record, 'https://example.com/a?q=1#section')).toBe(false));
  it('is true for another path or query', () => {
    expect(isOtherPage(record, 'https://example.com/b')).toBe(true);
    expect(isOtherPage(record, 'https://example.com/a?q=2')).toBe(true);
  });
});

describe('pageOf', () => {
  it('drops the fragment only', () => {
    expect(pageOf('https://e.com/a?b#c#d')).toBe('https://e.com/a?b');
    expect(pageOf('https://e.com/a')).toBe('https://e.com/a');
  });
});

describe('badgeText', () => {
  it.each([
    [counts(0, 5, 2), ''],
    [counts(1), '1'],
    [counts(42, 3), '42'],
    [counts(999), '999'],
    [counts(1000), '999+'],
  ])('%j -> %j', (c, text) => expect(badgeText(c)).toBe(text));
});
