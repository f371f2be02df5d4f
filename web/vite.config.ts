import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The web app is built on its own (root: web/); Cesium is NOT bundled: the page loads Cesium's prebuilt
// bundle from /cesium/ (served by allylink serve from node_modules/cesium/Build/Cesium), which keeps the
// build to a few seconds on a small machine.
export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  logLevel: "warn",
});
