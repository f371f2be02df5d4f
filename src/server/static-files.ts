/**
 * Serves files from fixed folders (the built web app, Cesium's own build with its offline imagery, the
 * world-atlas coastlines). A request path is resolved inside its folder and refused if it leaves it.
 */
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".gif": "image/gif",
  ".wasm": "application/wasm",
  ".ktx2": "image/ktx2",
  ".glb": "model/gltf-binary",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".ico": "image/x-icon",
};

export interface FoundFile {
  readonly path: string;
  readonly size: number;
  readonly type: string;
}

/** The file `relPath` names inside `root`, or null when it does not exist or would leave `root`. */
export function findFile(root: string, relPath: string): FoundFile | null {
  let rel: string;
  try {
    rel = decodeURIComponent(relPath.split("?")[0]);
  } catch {
    return null;
  }
  if (rel.includes("\0")) return null;
  const base = resolve(root);
  const full = resolve(join(base, normalize(`/${rel}`)));
  if (full !== base && !full.startsWith(base + sep)) return null;
  try {
    const st = statSync(full);
    if (!st.isFile()) return null;
    return {
      path: full,
      size: st.size,
      type: TYPES[extname(full).toLowerCase()] ?? "application/octet-stream",
    };
  } catch {
    return null;
  }
}

export function fileStream(f: FoundFile) {
  return createReadStream(f.path);
}
