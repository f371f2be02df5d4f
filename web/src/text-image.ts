/**
 * Text drawn on a canvas by the browser, for the globe. Cesium's own labels lay glyphs out one by one
 * and so cannot join Arabic letters; the browser's canvas shapes text properly (joining, right-to-left),
 * so every label on the globe is a canvas shown as a billboard. Images are cached per text and colour.
 */
const cache = new Map<string, HTMLCanvasElement>();

export function textImage(text: string, color = "#ffffff", rtl = false, sizePx = 14): HTMLCanvasElement {
  const key = `${color}|${rtl ? 1 : 0}|${sizePx}|${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const font = `600 ${sizePx}px "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif`;
  const probe = document.createElement("canvas").getContext("2d")!;
  probe.font = font;
  const w = Math.ceil(probe.measureText(text).width) + 8;
  const h = Math.ceil(sizePx * 1.5) + 4;
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const g = c.getContext("2d")!;
  g.font = font;
  g.direction = rtl ? "rtl" : "ltr";
  g.textAlign = rtl ? "right" : "left";
  g.textBaseline = "middle";
  g.lineWidth = 3;
  g.strokeStyle = "rgba(0,0,0,0.85)";
  const x = rtl ? w - 4 : 4;
  g.strokeText(text, x, h / 2);
  g.fillStyle = color;
  g.fillText(text, x, h / 2);
  if (cache.size > 2000) cache.clear();
  cache.set(key, c);
  return c;
}
