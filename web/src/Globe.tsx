/**
 * The 3-D globe (CesiumJS, loaded from its own bundle as window.Cesium). Imagery is Cesium's bundled
 * Natural Earth II through TileMapServiceImageryProvider; Ion is off (empty token), no geocoder, no
 * base-layer picker: nothing is fetched from outside the machine.
 *
 * Built to keep up with a thousand tracks at 10 pictures/s on a software GPU (SwiftShader):
 * - the globe draws in its own animation-frame loop, which takes the newest picture from the
 *   connection (parsed only then: pictures are coalesced, never queued);
 * - the WebGL scene — imagery, sensors and coverage, warning areas, impact ellipses, launch points —
 *   is rendered only when it changes (requestRenderMode: a camera move, a tile, new alerts), and
 *   cheaply (no MSAA, order-independent translucency, depth picking, atmosphere, fog, sky or FXAA);
 * - tracks, their history lines, 95 % ellipsoids and labels are drawn on a canvas over it
 *   (globe-overlay.ts), redrawn for every picture and after every globe render, with the same camera.
 * Everything drawn with text is drawn by the browser on a canvas, which shapes Arabic.
 */
import type * as CesiumNS from "cesium";
import { memo, useEffect, useRef } from "react";
import type { PictureFrame, SetupFrame } from "../../src/server/wire.ts";
import { ALERT_COLOR, AREA_COLOR, NATION_COLOR, SYSTEM_COLOR, TRUTH_COLOR } from "./colors.ts";
import type { Connection } from "./connection.ts";
import { coverageRing } from "./geo.ts";
import { projector, TrackLayer } from "./globe-overlay.ts";
import type { Key } from "./i18n.ts";
import { perf, pictureShown } from "./perf.ts";
import { textImage } from "./text-image.ts";

declare global {
  interface Window {
    Cesium: typeof CesiumNS;
    CESIUM_BASE_URL: string;
  }
}

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

export const Globe = memo(function Globe(props: { conn: Connection; rtl: boolean; t: (k: Key) => string; onFail: (why: string) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const { conn, rtl, t, onFail } = props;
  useEffect(() => {
    const C = window.Cesium;
    const overlay = overlayRef.current;
    const g = overlay?.getContext("2d");
    if (!C || !ref.current || !overlay || !g) {
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
        // The loop below renders, and draws the tracks over what it rendered.
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
    const staticSrc = new C.CustomDataSource("static");
    const alertSrc = new C.CustomDataSource("alerts");
    void viewer.dataSources.add(staticSrc);
    void viewer.dataSources.add(alertSrc);
    const col = (css: string, a = 1) => C.Color.fromCssColorString(css).withAlpha(a);
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

    /** Alerts and launch points to entities when they changed; true if they did. */
    const drawAlerts = (p: PictureFrame): boolean => {
      const key = p.alerts.map((a) => `${a.id}:${a.version}`).join(",") + p.launchPoints.map((l) => l.id).join(",") + (rtl ? "r" : "l");
      if (key === alertKey) return false;
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
      return true;
    };

    const layer = new TrackLayer();
    const viewProjection = new C.Matrix4();
    /** Draws the tracks over the globe with the camera of its latest render. */
    const drawOverlay = (p: PictureFrame) => {
      const dpr = window.devicePixelRatio || 1;
      const w = overlay.clientWidth;
      const h = overlay.clientHeight;
      const pw = Math.max(1, Math.round(w * dpr));
      const ph = Math.max(1, Math.round(h * dpr));
      if (overlay.width !== pw || overlay.height !== ph) {
        overlay.width = pw;
        overlay.height = ph;
      }
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, pw, ph);
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      const cam = scene.camera;
      C.Matrix4.multiply(cam.frustum.projectionMatrix, cam.viewMatrix, viewProjection);
      // Cesium's canvas is the same box as the overlay; its frustum has the drawing buffer's aspect.
      layer.draw(g, projector(viewProjection, w, h, cam.positionWC), NATION_COLOR[p.view] ?? "#fff", SYSTEM_COLOR, TRUTH_COLOR);
    };

    // The globe rendered (camera moved, tile loaded, alerts changed): the tracks follow its camera.
    let rendered = false;
    scene.postRender.addEventListener(() => {
      rendered = true;
      perf.globeRenders++;
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
      let redraw = false;
      if (p && conn.pictureSeq !== pictureSeen) {
        pictureSeen = conn.pictureSeq;
        if (drawAlerts(p)) scene.requestRender();
        const t0 = performance.now();
        layer.set(p, conn.history);
        perf.drawMs += performance.now() - t0;
        redraw = true;
      }
      viewer.resize();
      viewer.render(); // renders only if something asked for it
      if (rendered) {
        rendered = false;
        redraw = true;
      }
      if (redraw && p) {
        const t0 = performance.now();
        drawOverlay(p);
        perf.drawMs += performance.now() - t0;
        pictureShown(p.clock.t);
      }
    };
    raf = requestAnimationFrame(frame);
    return () => {
      if (raf) cancelAnimationFrame(raf);
      viewer.destroy();
    };
  }, [conn, rtl, t, onFail]);
  return (
    <div className="globe" data-testid="globe">
      <div ref={ref} className="globe-scene" />
      <canvas ref={overlayRef} className="globe-tracks" />
    </div>
  );
});

