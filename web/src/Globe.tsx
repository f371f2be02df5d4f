/**
 * The 3-D globe (CesiumJS, loaded from its own bundle as window.Cesium). Imagery is Cesium's bundled
 * Natural Earth II through TileMapServiceImageryProvider; Ion is off (empty token), no geocoder, no
 * base-layer picker: nothing is fetched from outside the machine. Pictures are drawn imperatively on
 * each frame from the server, outside React.
 */
import type * as CesiumNS from "cesium";
import { useEffect, useRef } from "react";
import type { PictureFrame, SetupFrame, WireTrack } from "../../src/server/wire.ts";
import { ALERT_COLOR, AREA_COLOR, NATION_COLOR, SYSTEM_COLOR, TRUTH_COLOR } from "./colors.ts";
import type { Connection } from "./connection.ts";
import { coverageRing, covFull, symEigen3 } from "./geo.ts";
import type { Key } from "./i18n.ts";
import { pictureShown } from "./perf.ts";
import { textImage } from "./text-image.ts";

declare global {
  interface Window {
    Cesium: typeof CesiumNS;
    CESIUM_BASE_URL: string;
  }
}

/** Only this many tracks get an uncertainty ellipsoid and a history line (the rest are points). */
const MAX_ELLIPSOIDS = 25;
const MAX_HISTORIES = 150;
const REDRAW_MS = 400;
/** 95 % of a 3-D Gaussian lies within this many σ along each principal axis (√χ²₃(0.95)). */
const K95_3D = Math.sqrt(7.815);

let webgl: boolean | null = null;
/** Whether the browser gives a WebGL context (probed once; the probe context is released at once). */
export function webglAvailable(): boolean {
  if (webgl !== null) return webgl;
  try {
    const c = document.createElement("canvas");
    const g = (c.getContext("webgl2") ?? c.getContext("webgl")) as WebGLRenderingContext | null;
    webgl = !!g;
    g?.getExtension("WEBGL_lose_context")?.loseContext();
  } catch {
    webgl = false;
  }
  return webgl;
}

export function Globe(props: { conn: Connection; rtl: boolean; t: (k: Key) => string; onFail: (why: string) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const { conn, rtl, t, onFail } = props;
  useEffect(() => {
    const C = window.Cesium;
    if (!C || !ref.current) {
      onFail("Cesium did not load");
      return;
    }
    let viewer: CesiumNS.Viewer;
    try {
      C.Ion.defaultAccessToken = "";
      viewer = new C.Viewer(ref.current, {
        baseLayer: C.ImageryLayer.fromProviderAsync(C.TileMapServiceImageryProvider.fromUrl(C.buildModuleUrl("Assets/Textures/NaturalEarthII")), {}),
        baseLayerPicker: false,
        geocoder: false,
        homeButton: false,
        sceneModePicker: false,
        navigationHelpButton: false,
        animation: false,
        timeline: false,
        fullscreenButton: false,
        infoBox: false,
        selectionIndicator: false,
        requestRenderMode: true,
        showRenderLoopErrors: false,
        maximumRenderTimeChange: Number.POSITIVE_INFINITY,
      });
    } catch (err) {
      onFail(String((err as Error)?.message ?? err));
      return;
    }
    const scene = viewer.scene;
    scene.globe.enableLighting = false;
    // Cheap scene: software WebGL (SwiftShader) and small laptops must keep up with 10 pictures/s.
    scene.fog.enabled = false;
    scene.globe.showGroundAtmosphere = false;
    if (scene.skyAtmosphere) scene.skyAtmosphere.show = false;
    if (scene.skyBox) scene.skyBox.show = false;
    scene.postProcessStages.fxaa.enabled = false;
    scene.globe.maximumScreenSpaceError = 4;
    // A GPU that cannot draw the scene (a shader that does not compile, a lost context): go 2-D.
    viewer.scene.renderError.addEventListener((_s: unknown, err: unknown) => onFail(String((err as Error)?.message ?? err)));
    viewer.camera.setView({ destination: C.Cartesian3.fromDegrees(133, 33, 4_200_000) });
    const points = scene.primitives.add(new C.PointPrimitiveCollection()) as CesiumNS.PointPrimitiveCollection;
    const lines = scene.primitives.add(new C.PolylineCollection()) as CesiumNS.PolylineCollection;
    const boards = scene.primitives.add(new C.BillboardCollection({ scene })) as CesiumNS.BillboardCollection;
    const staticSrc = new C.CustomDataSource("static");
    const alertSrc = new C.CustomDataSource("alerts");
    void viewer.dataSources.add(staticSrc);
    void viewer.dataSources.add(alertSrc);
    const ellipsoids = new Map<string, { entity: CesiumNS.Entity; tr: WireTrack; frame: ReturnType<typeof ellipsoidFrame> }>();
    const col = (css: string, a = 1) => C.Color.fromCssColorString(css).withAlpha(a);
    let setupSeen: SetupFrame | null = null;
    let alertKey = "";

    const drawSetup = (s: SetupFrame) => {
      staticSrc.entities.removeAll();
      for (const sn of s.sensors) {
        const color = NATION_COLOR[sn.nation] ?? "#fff";
        staticSrc.entities.add({
          position: C.Cartesian3.fromDegrees(sn.lon, sn.lat, sn.kind === "ir" ? 0 : sn.altM),
          point: { pixelSize: 8, color: col(color), outlineColor: C.Color.BLACK, outlineWidth: 1 },
          billboard: { image: textImage(sn.id, color, false, 12), pixelOffset: new C.Cartesian2(0, -16) },
        });
        if (sn.coverage) {
          const ring = coverageRing(sn.lat, sn.lon, sn.coverage.rangeM, sn.coverage.boresightDeg, sn.coverage.halfWidthDeg);
          const pos = C.Cartesian3.fromDegreesArray(ring.flatMap(([la, lo]) => [lo, la]));
          staticSrc.entities.add({ polygon: { hierarchy: new C.PolygonHierarchy(pos), material: col(color, 0.07), height: 0 } });
          staticSrc.entities.add({ polyline: { positions: pos, width: 1, material: col(color, 0.6) } });
        }
      }
      for (const a of s.areas) {
        const pos = C.Cartesian3.fromDegreesArray([...a.ring, a.ring[0]].flatMap(([la, lo]) => [lo, la]));
        staticSrc.entities.add({ polyline: { positions: pos, width: 2, material: col(AREA_COLOR, 0.9) } });
        const c = a.ring[0];
        staticSrc.entities.add({ position: C.Cartesian3.fromDegrees(c[1], c[0]), billboard: { image: textImage(a.name, AREA_COLOR, rtl, 12) } });
      }
    };

    const drawAlerts = (p: PictureFrame) => {
      const key = p.alerts.map((a) => `${a.id}:${a.version}`).join(",") + p.launchPoints.map((l) => l.id).join(",") + (rtl ? "r" : "l");
      if (key === alertKey) return;
      alertKey = key;
      alertSrc.entities.removeAll();
      // One ellipse per threat: every area's alert of a threat carries the same prediction.
      const perThreat = new Map(p.alerts.map((a) => [a.threatId, a]));
      for (const a of perThreat.values()) {
        const pos = C.Cartesian3.fromDegreesArray(a.ellipse.flatMap(([la, lo]) => [lo, la]));
        alertSrc.entities.add({ polygon: { hierarchy: new C.PolygonHierarchy(pos), material: col(ALERT_COLOR, 0.3), height: 0 } });
        alertSrc.entities.add({ polyline: { positions: pos, width: 2, material: col(ALERT_COLOR) } });
        alertSrc.entities.add({
          position: C.Cartesian3.fromDegrees(a.impact.lon, a.impact.lat),
          billboard: { image: textImage(`${t("impactArea")} ${a.threatId}`, ALERT_COLOR, rtl, 13), pixelOffset: new C.Cartesian2(0, 18) },
        });
      }
      for (const l of p.launchPoints) {
        alertSrc.entities.add({
          position: C.Cartesian3.fromDegrees(l.lon, l.lat),
          point: { pixelSize: 11, color: col("#ff5252"), outlineColor: C.Color.WHITE, outlineWidth: 2 },
          billboard: { image: textImage(`${t("launchPoint")} ${l.id}`, "#ff5252", rtl, 13), pixelOffset: new C.Cartesian2(0, -18) },
        });
      }
    };

    const drawTracks = (p: PictureFrame) => {
      points.removeAll();
      lines.removeAll();
      boards.removeAll();
      const all: [WireTrack, string][] = [
        ...p.tracks.map((tr) => [tr, NATION_COLOR[p.view] ?? "#fff"] as [WireTrack, string]),
        ...p.systemTracks.map((tr) => [tr, SYSTEM_COLOR] as [WireTrack, string]),
      ];
      let nHist = 0;
      for (const [tr, color] of all) {
        const pos = C.Cartesian3.fromDegrees(tr.lon, tr.lat, tr.altM);
        points.add({ position: pos, pixelSize: 7, color: col(color), outlineColor: C.Color.BLACK, outlineWidth: 1 });
        const h = conn.history.get(tr.id);
        if (h && h.length > 1 && nHist++ < MAX_HISTORIES)
          lines.add({ positions: C.Cartesian3.fromDegreesArrayHeights(h.flat()), width: 2, material: C.Material.fromType("Color", { color: col(color, 0.8) }) });
      }
      for (const tr of p.systemTracks.slice(0, MAX_ELLIPSOIDS))
        boards.add({ position: C.Cartesian3.fromDegrees(tr.lon, tr.lat, tr.altM), image: textImage(tr.id, SYSTEM_COLOR, false, 12), pixelOffset: new C.Cartesian2(14, 0) });
      for (const o of p.truth) points.add({ position: C.Cartesian3.fromDegrees(o.lon, o.lat, o.altM), pixelSize: 5, color: col(TRUTH_COLOR) });
      // Uncertainty ellipsoids (95 %) of the first system tracks, or own tracks when no fusion yet.
      const withEllipsoid = (p.systemTracks.length ? p.systemTracks : p.tracks).slice(0, MAX_ELLIPSOIDS);
      const keep = new Set(withEllipsoid.map((tr) => tr.id));
      for (const [id, e] of ellipsoids)
        if (!keep.has(id)) {
          viewer.entities.remove(e.entity);
          ellipsoids.delete(id);
        }
      for (const tr of withEllipsoid) {
        const e = ellipsoids.get(tr.id);
        const f = ellipsoidFrame(C, tr);
        if (e) {
          e.tr = tr;
          e.frame = f;
        } else {
          // Callback properties make the ellipsoid a dynamic primitive, redrawn in place, instead
          // of a static one rebuilt by a worker on every change.
          const holder = { tr, frame: f } as { entity: CesiumNS.Entity; tr: WireTrack; frame: typeof f };
          holder.entity = viewer.entities.add({
            position: new C.CallbackPositionProperty(() => holder.frame.pos, false),
            orientation: new C.CallbackProperty(() => holder.frame.q, false),
            ellipsoid: {
              radii: new C.CallbackProperty(() => holder.frame.radii, false),
              material: col(SYSTEM_COLOR, 0.25),
              slicePartitions: 16,
              stackPartitions: 12,
            },
          });
          ellipsoids.set(tr.id, holder);
        }
      }
    };

    // The picture the primitives hold, reported as shown once Cesium has rendered it.
    let drawnT: number | null = null;
    scene.postRender.addEventListener(() => {
      if (drawnT === null) return;
      pictureShown(drawnT);
      drawnT = null;
    });
    const redraw = () => {
      const s = conn.setup;
      if (s && s !== setupSeen) {
        setupSeen = s;
        drawSetup(s);
      }
      const p = conn.picture;
      if (p) {
        drawTracks(p);
        drawAlerts(p);
        drawnT = p.clock.t;
      }
      scene.requestRender();
    };
    // Draw at most every REDRAW_MS: pictures may come faster than a software GPU can render them.
    let timer: number | null = null;
    let last = 0;
    const schedule = () => {
      if (timer !== null) return;
      const wait = Math.max(0, last + REDRAW_MS - performance.now());
      timer = window.setTimeout(() => {
        timer = null;
        last = performance.now();
        redraw();
      }, wait);
    };
    redraw();
    const unsubscribe = conn.subscribe(schedule);
    return () => {
      if (timer !== null) clearTimeout(timer);
      unsubscribe();
      viewer.destroy();
    };
  }, [conn, rtl, t, onFail]);
  return <div ref={ref} className="globe" data-testid="globe" />;
}

/** Orientation and 95 % radii of a track's ENU position covariance, in Cesium's terms. */
function ellipsoidFrame(C: typeof CesiumNS, tr: WireTrack): { pos: CesiumNS.Cartesian3; q: CesiumNS.Quaternion; radii: CesiumNS.Cartesian3 } {
  const { values, vectors } = symEigen3(covFull(tr.cov));
  const pos = C.Cartesian3.fromDegrees(tr.lon, tr.lat, tr.altM);
  const enu = C.Matrix4.getMatrix3(C.Transforms.eastNorthUpToFixedFrame(pos), new C.Matrix3());
  // Columns of `vectors` are the principal axes in ENU; make it a proper rotation (det +1).
  const v = vectors.slice();
  const det = v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6]);
  if (det < 0) for (const i of [2, 5, 8]) v[i] = -v[i];
  const axes = new C.Matrix3(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
  const rot = C.Matrix3.multiply(enu, axes, new C.Matrix3());
  const r = (x: number) => Math.max(200, K95_3D * Math.sqrt(Math.max(0, x)));
  return { pos, q: C.Quaternion.fromRotationMatrix(rot), radii: new C.Cartesian3(r(values[0]), r(values[1]), r(values[2])) };
}
