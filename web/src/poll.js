// Live pages: a read repeated while the page is open. After a change the next read comes soon (base); while nothing
// changes the interval grows by half up to max; after an error it doubles up to maxAfterError. Nothing is read
// while the tab is hidden; showing it again reads at once.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The next delay after a read: pure, so that the rule is testable on its own. */
export function nextDelay(previous, { changed, failed }, { base = 2000, max = 30000, maxAfterError = 60000 } = {}) {
  if (failed) {
    return Math.min(maxAfterError, Math.max(base, previous * 2));
  }
  if (changed) {
    return base;
  }
  return Math.min(max, Math.round(previous * 1.5));
}

/**
 * {data, error, refresh}: load() now and then again on the schedule above; refresh() reads at once and resets the
 * interval (after an action). An error keeps the last data.
 */
export function usePolled(load, key, options = {}) {
  const [state, setState] = useState({ data: null, error: null, key });
  const timer = useRef(null);
  const delay = useRef(options.base || 2000);
  const last = useRef(null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async () => {
    clearTimeout(timer.current);
    const mine = generation.current;
    let changed = false;
    let failed = false;
    try {
      const data = await loadRef.current();
      if (mine !== generation.current) {
        return;
      }
      const text = JSON.stringify(data);
      changed = text !== last.current;
      last.current = text;
      setState({ data, error: null, key });
    } catch (error) {
      if (mine !== generation.current) {
        return;
      }
      failed = true;
      setState((s) => ({ data: s.key === key ? s.data : null, error, key }));
    }
    delay.current = nextDelay(delay.current, { changed, failed }, options);
    if (!document.hidden) {
      timer.current = setTimeout(run, delay.current);
    }
  }, [key]);

  useEffect(() => {
    generation.current++;
    last.current = null;
    delay.current = options.base || 2000;
    setState({ data: null, error: null, key });
    run();
    const onVisible = () => {
      if (!document.hidden) {
        run();
      } else {
        clearTimeout(timer.current);
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      generation.current++;
      clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key]);

  const refresh = useCallback(() => {
    delay.current = options.base || 2000;
    return run();
  }, [run]);
  return { data: state.key === key ? state.data : null, error: state.key === key ? state.error : null, refresh };
}
