/**
 * React hooks shared by the picture page and the tabletop page: a live connection that re-renders
 * its component on every change, and a ticker for countdowns that run between server frames.
 */
import { type DependencyList, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";

/** A server connection a component can follow: started on mount, stopped on unmount. */
export interface LiveSource {
  start(): void;
  stop(): void;
  subscribe(fn: () => void): () => void;
  readonly version: number;
}

/** Makes the connection once per `deps`, runs it while mounted, and re-renders on each change. */
export function useLiveSource<C extends LiveSource>(make: () => C, deps: DependencyList): C {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the connection depends on
  const conn = useMemo(make, deps);
  useEffect(() => {
    conn.start();
    return () => conn.stop();
  }, [conn]);
  useSyncExternalStore(
    useCallback((fn) => conn.subscribe(fn), [conn]),
    () => conn.version,
  );
  return conn;
}

/** Re-renders every `ms` (for countdowns between frames). */
export function useTicker(ms: number): void {
  const [, setN] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
}
