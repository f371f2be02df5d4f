/**
 * CSV as RFC 4180 defines it: records end in CRLF; a field holding a comma, a double quote, CR or LF
 * is enclosed in double quotes, and a double quote inside is doubled. The parser accepts LF or CRLF
 * line ends and reports malformed quoting with its line number instead of guessing.
 */
import { UserError } from "../core/errors.ts";

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Rows of fields → CSV text (CRLF after every record, the last included). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => `${r.map(quote).join(",")}\r\n`).join("");
}

/** CSV text → rows of fields. `file` names the input in errors. */
export function parseCsv(text: string, file = "csv"): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  let inQuotes = false;
  let quotedField = false;
  let quoteLine = 1;
  // A trailing newline ends the last record; it does not start an empty one.
  const n = text.length;
  const endRecord = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = "";
    quotedField = false;
  };
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        const next = text[i];
        if (i < n && next !== "," && next !== "\r" && next !== "\n")
          throw new UserError(
            `${file}:${line}: a closing double quote must be followed by a comma or the end of the line`,
          );
        continue;
      }
      if (c === "\n") line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field.length > 0 || quotedField)
        throw new UserError(
          `${file}:${line}: a double quote inside an unquoted field (quote the field and double the quote)`,
        );
      inQuotes = true;
      quotedField = true;
      quoteLine = line;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      quotedField = false;
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      endRecord();
      line++;
      i += 2;
    } else if (c === "\n") {
      endRecord();
      line++;
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (inQuotes) throw new UserError(`${file}:${quoteLine}: a quoted field is never closed`);
  if (field.length > 0 || row.length > 0 || quotedField) endRecord();
  return rows;
}
