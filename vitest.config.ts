import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "bench/**/*.test.ts", "web/src/**/*.test.ts"],
    // Physics and network tests do real work; a generous timeout avoids flakes on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // expect.poll waits on real servers and browsers; its 1 s default turns a loaded machine into a
    // failure. A condition that never holds still fails, after 30 s.
    expect: { poll: { timeout: 30_000 } },
  },
});
