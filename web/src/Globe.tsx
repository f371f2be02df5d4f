/**
 * The 3-D globe (CesiumJS, loaded from its own bundle as window.Cesium). Imagery is Cesium's bundled
 * Natural Earth II through TileMapServiceImageryProvider; Ion is off (empty token), no geocoder, no
 * base-layer picker: nothing is fetched from outside the machine.
 *
 * Built to keep up with a thousand tracks at 10 pictures/s on a software GPU (SwiftShader):
 * - the globe draws in its own animation-frame loop, which takes the newest picture from the
 *   connection (parsed only then: pictures are coalesced, never queued), updates the primitives and
 *   renders once — Cesium's requestRenderMode renders only on a new picture, a camera move or a tile;
 * - tracks are Cesium primitives updated in place (one point, label and history line per track, kept
 *   across pictures; no Entity API and no per-picture allocation in this file); history lines convert
 *   only the positions added since the last picture; ellipsoids are unit-sphere primitives placed,
 *   turned and scaled by their model matrix;
 * - a cheap scene: no MSAA, no order-independent translucency, no atmosphere, fog, sky or FXAA.
 * Sensors, coverage, warning areas and alerts change rarely and stay entities.
 */
import type * as CesiumNS from "cesium";
import { memo, useEffect, useRef } from "react";
import type { PictureFrame, SetupFrame, WireTrack } from "../../src/server/wire.ts";
import { ALERT_COLOR, AREA_COLOR, NATION_COLOR, SYSTEM_COLOR, TRUTH_COLOR } from "./colors.ts";
import { type Connection, HISTORY_POINTS, type TrackHistory } from "./connection.ts";
import { coverageRing, covFull, symEigen3 } from "./geo.ts";
import type { Key } from "./i18n.ts";
import { perf, pictureShown } from "./perf.ts";
import { textImage } from "./text-image.ts";

declare global {
  interface Window {
    Cesium: typeof CesiumNS;
    CESIUM_BASE_URL: string;
  }
}

/** Only this many tracks get an uncertainty ellipsoid and a label, and a history line (the rest are points). */
const MAX_ELLIPSOIDS = 25;
const MAX_LABELS = 25;
const MAX_HISTORIES = 150;
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

/** What the globe keeps per track between pictures. */
interface TrackSlot {
  readonly point: CesiumNS.PointPrimitive;
  color: string;
  /** The drawing generation that last saw the track (older: the track ended). */
  gen: number;
  label: CesiumNS.Billboard | null;
  line: CesiumNS.Polyline | null;
  /** The history line's positions, oldest first; the objects are reused as the line moves on. */
  readonly linePos: CesiumNS.Cartesian3[];
  /** The history these positions come from, and how many of its points they have taken. */
  hist: TrackHistory | null;
  histTaken: number;
}

export const Globe = memo(function Globe(props: { conn: Connection; rtl: boolean; t: (k: Key) => string; onFail: (why: string) => void }) {
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
        // The loop below renders, right after it has put the newest picture in.
        useDefaultRenderLoop: false,
        // Multisampling and order-independent translucency multiply the per-pixel work, which is
        // what a software GPU pays for: off (the few translucent shapes here sort well enough).
        msaaSamples: 1,
        orderIndependentTranslucency: false,
        contextOptions: { webgl: { antialias: false } },
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
    if (scene.sun) scene.sun.show = false;
    if (scene.moon) scene.moon.show = false;
    scene.postProcessStages.fxaa.enabled = false;
    scene.globe.maximumScreenSpaceError = 4;
    // Nothing here picks positions from the depth buffer: skip copying it for picking every frame.
    scene.useDepthPicking = false;
    let failed = false;
    // A GPU that cannot draw the scene (a shader that does not compile, a lost context): go 2-D.
    scene.renderError.addEventListener((_s: unknown, err: unknown) => {
      failed = true;
      onFail(String((err as Error)?.message ?? err));
    });
    viewer.camera.setView({ destination: C.Cartesian3.fromDegrees(133, 33, 4_200_000) });
    const points = scene.primitives.add(new C.PointPrimitiveCollection({ blendOption: C.BlendOption.OPAQUE })) as CesiumNS.PointPrimitiveCollection;
    const lines = scene.primitives.add(new C.PolylineCollection()) as CesiumNS.PolylineCollection;
    const boards = scene.primitives.add(new C.BillboardCollection({ scene, blendOption: C.BlendOption.TRANSLUCENT })) as CesiumNS.BillboardCollection;
    const staticSrc = new C.CustomDataSource("static");
    const alertSrc = new C.CustomDataSource("alerts");
    void viewer.dataSources.add(staticSrc);
    void viewer.dataSources.add(alertSrc);
    const colors = new Map<string, CesiumNS.Color>();
    const col = (css: string, a = 1) => C.Color.fromCssColorString(css).withAlpha(a);
    /** One colour object per CSS colour (opaque), shared by every primitive drawn in it. */
    const solid = (css: string) => {
      let c = colors.get(css);
      if (!c) colors.set(css, (c = col(css)));
      return c;
    };
    /** One polyline material per colour: the collection batches lines by material. */
    const materials = new Map<string, CesiumNS.Material>();
    const lineMaterial = (css: string) => {
      let m = materials.get(css);
      if (!m) materials.set(css, (m = C.Material.fromType("Color", { color: col(css, 0.8) })));
      return m;
    };
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

    const ownSlots = new Map<string, TrackSlot>();
    const systemSlots = new Map<string, TrackSlot>();
    const truthSlots = new Map<string, TrackSlot>();
    const ellipsoids: CesiumNS.Primitive[] = [];
    const pos = new C.Cartesian3();
    const enu = new C.Matrix4();
    const rot = new C.Matrix3();
    const axes = new C.Matrix3();
    const axesRowMajor = new Array<number>(9).fill(0);
    const radii = new C.Cartesian3();
    const labelOffset = new C.Cartesian2(14, 0);
    let gen = 0;
    let historiesLeft = 0;

    /** The slot of a track, made on first sight; its point moved to the track. */
    const place = (slots: Map<string, TrackSlot>, id: string, lon: number, lat: number, altM: number, color: string, size: number): TrackSlot => {
      C.Cartesian3.fromDegrees(lon, lat, altM, undefined, pos);
      let s = slots.get(id);
      if (!s) {
        s = {
          point: points.add({ position: pos, pixelSize: size, color: solid(color), outlineColor: C.Color.BLACK, outlineWidth: size > 5 ? 1 : 0 }),
          color,
          gen,
          label: null,
          line: null,
          linePos: [],
          hist: null,
          histTaken: 0,
        };
        slots.set(id, s);
      } else {
        s.point.position = pos;
        if (s.color !== color) {
          s.color = color;
          s.point.color = solid(color);
          if (s.line) s.line.material = lineMaterial(color);
        }
      }
      s.gen = gen;
      return s;
    };

    const dropLine = (s: TrackSlot) => {
      if (s.line) lines.remove(s.line);
      s.line = null;
      s.hist = null;
      s.linePos.length = 0;
    };

    /** Moves a track's history line on by the points its history gained since the last picture. */
    const updateLine = (s: TrackSlot, h: TrackHistory) => {
      const arr = s.linePos;
      if (s.hist !== h) {
        // A new line, or the history restarted (a seek back): take every point kept.
        s.hist = h;
        s.histTaken = h.total - h.length;
        arr.length = 0;
      }
      const from = Math.max(s.histTaken, h.total - h.length);
      if (from === h.total && s.line) return;
      const xyz = h.xyz;
      for (let k = from; k < h.total; k++) {
        const c = arr.length >= HISTORY_POINTS ? (arr.shift() as CesiumNS.Cartesian3) : new C.Cartesian3();
        const i = h.index(k);
        C.Cartesian3.fromDegrees(xyz[i], xyz[i + 1], xyz[i + 2], undefined, c);
        arr.push(c);
      }
      s.histTaken = h.total;
      if (s.line) s.line.positions = arr;
      else s.line = lines.add({ positions: arr, width: 2, material: lineMaterial(s.color) });
    };

    const drawList = (list: readonly WireTrack[], slots: Map<string, TrackSlot>, color: string, labels: boolean) => {
      for (let i = 0; i < list.length; i++) {
        const tr = list[i];
        const s = place(slots, tr.id, tr.lon, tr.lat, tr.altM, color, 7);
        const h = conn.history.get(tr.id);
        if (h && h.length > 1 && historiesLeft > 0) {
          historiesLeft--;
          updateLine(s, h);
        } else if (s.line) dropLine(s);
        if (labels && i < MAX_LABELS) {
          if (!s.label) {
            s.label = boards.add({ position: pos, pixelOffset: labelOffset });
            s.label.setImage(`track:${tr.id}`, textImage(tr.id, SYSTEM_COLOR, false, 12));
          } else s.label.position = pos;
        } else if (s.label) {
          boards.remove(s.label);
          s.label = null;
        }
      }
    };

    /** Removes what the latest picture no longer holds. */
    const sweep = (slots: Map<string, TrackSlot>) => {
      for (const [id, s] of slots) {
        if (s.gen === gen) continue;
        points.remove(s.point);
        dropLine(s);
        if (s.label) boards.remove(s.label);
        slots.delete(id);
      }
    };

    /** Places ellipsoid primitive j (a unit sphere made once) at a track's 95 % ellipsoid. */
    const placeEllipsoid = (j: number, tr: WireTrack) => {
      let e = ellipsoids[j];
      if (!e) {
        e = scene.primitives.add(
          new C.Primitive({
            geometryInstances: new C.GeometryInstance({
              geometry: new C.EllipsoidGeometry({ radii: new C.Cartesian3(1, 1, 1), slicePartitions: 16, stackPartitions: 12, vertexFormat: C.PerInstanceColorAppearance.VERTEX_FORMAT }),
              attributes: { color: C.ColorGeometryInstanceAttribute.fromColor(col(SYSTEM_COLOR, 0.25)) },
            }),
            appearance: new C.PerInstanceColorAppearance({ translucent: true, closed: true }),
            asynchronous: false,
            allowPicking: false,
            modelMatrix: new C.Matrix4(),
          }),
        ) as CesiumNS.Primitive;
        ellipsoids[j] = e;
      }
      const { values, vectors } = symEigen3(covFull(tr.cov));
      // Columns of `vectors` are the principal axes in ENU; make it a proper rotation (det +1).
      const v = vectors;
      const det = v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6]);
      const f = det < 0 ? -1 : 1;
      for (let i = 0; i < 9; i++) axesRowMajor[i] = i % 3 === 2 ? f * v[i] : v[i];
      C.Matrix3.fromRowMajorArray(axesRowMajor, axes);
      C.Cartesian3.fromDegrees(tr.lon, tr.lat, tr.altM, undefined, pos);
      C.Transforms.eastNorthUpToFixedFrame(pos, undefined, enu);
      C.Matrix3.multiply(C.Matrix4.getMatrix3(enu, rot), axes, rot);
      const r = (x: number) => Math.max(200, K95_3D * Math.sqrt(Math.max(0, x)));
      C.Cartesian3.fromElements(r(values[0]), r(values[1]), r(values[2]), radii);
      const m = e.modelMatrix;
      C.Matrix4.fromRotationTranslation(rot, pos, m);
      C.Matrix4.multiplyByScale(m, radii, m);
      e.show = true;
    };

    const drawTracks = (p: PictureFrame) => {
      gen++;
      historiesLeft = MAX_HISTORIES;
      drawList(p.tracks, ownSlots, NATION_COLOR[p.view] ?? "#fff", false);
      drawList(p.systemTracks, systemSlots, SYSTEM_COLOR, true);
      for (const o of p.truth) place(truthSlots, o.id, o.lon, o.lat, o.altM, TRUTH_COLOR, 5);
      sweep(ownSlots);
      sweep(systemSlots);
      sweep(truthSlots);
      // Uncertainty ellipsoids (95 %) of the first system tracks, or own tracks when no fusion yet.
      const withEllipsoid = p.systemTracks.length ? p.systemTracks : p.tracks;
      const n = Math.min(MAX_ELLIPSOIDS, withEllipsoid.length);
      for (let j = 0; j < n; j++) placeEllipsoid(j, withEllipsoid[j]);
      for (let j = n; j < ellipsoids.length; j++) ellipsoids[j].show = false;
    };

    // The picture the primitives hold, reported as shown once Cesium has rendered it.
    let drawnT: number | null = null;
    scene.postRender.addEventListener(() => {
      if (drawnT === null) return;
      pictureShown(drawnT);
      drawnT = null;
    });
    let setupSeen: SetupFrame | null = null;
    let pictureSeen = -1;
    let raf = 0;
    const frame = () => {
      raf = 0;
      if (failed) return;
      raf = requestAnimationFrame(frame);
      conn.flush(); // the newest picture, parsed now if it is waiting
      const s = conn.setup;
      if (s && s !== setupSeen) {
        setupSeen = s;
        drawSetup(s);
        scene.requestRender();
      }
      const p = conn.picture;
      if (p && conn.pictureSeq !== pictureSeen) {
        pictureSeen = conn.pictureSeq;
        const t0 = performance.now();
        drawTracks(p);
        drawAlerts(p);
        perf.drawMs += performance.now() - t0;
        drawnT = p.clock.t;
        scene.requestRender();
      }
      viewer.resize();
      viewer.render();
    };
    raf = requestAnimationFrame(frame);
    return () => {
      if (raf) cancelAnimationFrame(raf);
      viewer.destroy();
    };
  }, [conn, rtl, t, onFail]);
  return <div ref={ref} className="globe" data-testid="globe" />;
});

