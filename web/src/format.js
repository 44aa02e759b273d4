// Words and numbers as the page shows them.

const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const DAY = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

export function dateTime(iso) {
  return iso ? DATE.format(new Date(iso)) : '';
}

export function day(iso) {
  return iso ? DAY.format(new Date(iso)) : '';
}

/** "Open", "Changes requested", ... from an enum value. */
export function words(value) {
  if (!value) {
    return '';
  }
  const s = value.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A background process's progress: done (completed, failed or cancelled) of total, where failed counts the listed errors
 * (the API lists at most 100; "100+" then). A campaign's unpublished jobs count in the total, never as done.
 */
export function progress(status, total) {
  const failed = status.errors.length;
  const unpublished = status.unpublishedCount ?? 0;
  const all = total ?? status.completedCount + status.pendingCount + failed + (status.cancelledCount ?? 0) + unpublished;
  const done = Math.max(0, all - status.pendingCount - unpublished);
  return {
    done,
    total: all,
    failed,
    failedText: failed >= 100 ? '100+' : String(failed),
    percent: all === 0 ? 100 : Math.round((100 * done) / all),
  };
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
