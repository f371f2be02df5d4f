import { geodesicDirect } from "../core/geodesy.ts";
import type { GeoPoint, ImpactEllipse } from "./alert.ts";

/**
 * The ellipse as a closed ring of `n` points on the ellipsoid (first point repeated last), for maps,
 * CAP polygons and GeoJSON. Each point is placed by a geodesic from the centre, so the ring keeps its
 * size and shape at any latitude.
 */
export function ellipsePolygon(e: ImpactEllipse, n = 36): GeoPoint[] {
  const ring: GeoPoint[] = [];
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n;
    const along = e.semiMajorM * Math.cos(th);
    const across = e.semiMinorM * Math.sin(th);
    const dist = Math.hypot(along, across);
    const az = e.orientation + Math.atan2(across, along);
    if (dist === 0) ring.push({ lat: e.center.lat, lon: e.center.lon });
    else {
      const p = geodesicDirect(e.center.lat, e.center.lon, az, dist);
      ring.push({ lat: p.lat, lon: p.lon });
    }
  }
  ring.push(ring[0]);
  return ring;
}
