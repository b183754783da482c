import { useEffect, useState } from 'react';

/** The current time, re-rendered on each minute boundary so countdowns tick without new snapshots. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const schedule = (): void => {
      const wait = 60_000 - (Date.now() % 60_000) + 50;
      timer = setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, wait);
    };
    schedule();
    return () => clearTimeout(timer);
  }, []);
  return now;
}
