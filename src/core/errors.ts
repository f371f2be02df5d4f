/**
 * An error caused by what a user gave us (a file, a flag, a request body, a message off the wire).
 * Boundaries throw it with one clear sentence naming what is wrong; the CLI and the server print
 * the message alone — never a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Extra lines (for example one per validation problem), printed after the message. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "UserError";
  }
}
