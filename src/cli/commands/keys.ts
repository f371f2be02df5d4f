import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { writeNationKeys } from "../../sharing/keys.ts";

/**
 * `allylink keys --nation KOR --out DIR`: makes a nation's Ed25519 signing key (DIR/KOR.key.pem,
 * mode 0600), its public key (DIR/KOR.pub.pem), and adds the public key to DIR/pinned-keys.json,
 * the pinned set receivers trust. Run once per nation with the same DIR to build the whole set.
 */
export function register(program: Command): void {
  program
    .command("keys")
    .description("make a nation's Ed25519 signing key and add it to the pinned public-key set")
    .requiredOption("--nation <code>", "nation code, e.g. KOR, USA, JPN")
    .requiredOption("--out <dir>", "directory for the PEM files and pinned-keys.json")
    .option("--force", "replace an existing key of this nation (its old pin is removed)")
    .action((opts: { nation: string; out: string; force?: boolean }) => {
      if (!opts.out.trim()) throw new UserError("--out: must name a directory");
      const { key, files } = writeNationKeys(opts.nation, opts.out, { force: opts.force });
      process.stdout.write(`${key.nation} key ${key.keyId}\n${files.map((f) => `  ${f}`).join("\n")}\n`);
    });
}
