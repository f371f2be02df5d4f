/**
 * The second check on releasability: every serialised frame for a nation is searched for strings that
 * must never reach it (other nations' sensor identities). A hit means a bug upstream; the frame is
 * withheld, counted and reported, never sent.
 */
export class LeakGuard {
  blocked = 0;

  /** The first forbidden string `text` contains, or null. */
  check(text: string, forbidden: readonly string[]): string | null {
    for (const f of forbidden) if (text.includes(f)) return f;
    return null;
  }
}
