// The staff-only components, loaded on first need (a chunk of their own in the build).
import { useEffect, useState } from 'preact/hooks';

export type StaffUi = typeof import('./staff.js');

let loaded: StaffUi | null = null;

/** The staff module once loaded (null while loading or not wanted), or 'failed'. */
export function useStaffUi(wanted: boolean): StaffUi | 'failed' | null {
  const [ui, setUi] = useState<StaffUi | 'failed' | null>(loaded);
  useEffect(() => {
    if (!wanted || ui) return;
    let current = true;
    import('./staff.js').then(
      (m) => {
        loaded = m;
        if (current) setUi(m);
      },
      () => current && setUi('failed'),
    );
    return () => void (current = false);
  }, [wanted, ui]);
  return wanted ? ui : null;
}
