/**
 * A parsed YAML (or JSON) document that remembers where every value came from, so a problem found
 * later — by the schema or by a semantic check — can name the line the user must fix.
 */
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/** A path into the document, as JSON Pointer segments (`["launches", 0, "class"]`). */
export type DocPath = readonly (string | number)[];

/** One problem with a scenario file: where (path and line) and why. */
export interface Problem {
  readonly path: DocPath;
  readonly line: number;
  readonly reason: string;
}

/** JSON Pointer text of a path ("/launches/0/class"); the root is "/". */
export function pointer(path: DocPath): string {
  if (path.length === 0) return "/";
  return path.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** Splits an ajv instancePath ("/launches/0/class") back into segments. */
export function parsePointer(ptr: string): string[] {
  if (ptr === "" || ptr === "/") return [];
  return ptr
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export class YamlSource {
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;
  /** Syntax problems (with their lines); when non-empty, `data` must not be trusted. */
  readonly syntaxProblems: Problem[] = [];
  /** The plain JavaScript value of the document (undefined for an empty file). */
  readonly data: unknown;

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true, uniqueKeys: true });
    for (const err of this.doc.errors) {
      const line = err.linePos?.[0]?.line ?? this.lineAt(err.pos[0]);
      // yaml's pretty message repeats the source excerpt after the first line; keep the sentence.
      const reason = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      this.syntaxProblems.push({ path: [], line, reason: `YAML syntax error: ${reason}` });
    }
    this.data = this.syntaxProblems.length === 0 ? this.doc.toJS({ maxAliasCount: 1000 }) : undefined;
  }

  private lineAt(offset: number): number {
    return this.lines.linePos(Math.max(0, offset)).line;
  }

  /**
   * The line of the value at `path`. When the path goes further than the document (a missing
   * field), the line of the deepest part that exists. With `key`, the line of the key itself (for
   * "unknown field" problems). Line 1 for an empty document.
   */
  lineOf(path: DocPath, key = false): number {
    let node: unknown = this.doc.contents;
    let line = node && (node as Node).range ? this.lineAt((node as Node).range![0]) : 1;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) return line;
        const keyNode = pair.key as Node;
        if (keyNode?.range) line = this.lineAt(keyNode.range[0]);
        if (key && seg === path[path.length - 1]) return line;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else {
        return line;
      }
      // `key: ` with nothing after it has no value node; the key's line is the right answer.
      const range = (node as Node | null | undefined)?.range;
      if (range) line = this.lineAt(range[0]);
    }
    return line;
  }

  /** The plain value at `path` in `data`, or undefined. */
  valueAt(path: DocPath): unknown {
    let v: unknown = this.data;
    for (const seg of path) {
      if (v === null || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[String(seg)];
    }
    return v;
  }
}
