// Types for the parts of the `geodesy` npm package (no bundled types) that tests use as an independent
// reference. Test-only: production code never imports `geodesy`.
declare module "geodesy/latlon-ellipsoidal-vincenty.js" {
  export default class LatLonEllipsoidal_Vincenty {
    constructor(lat: number, lon: number, height?: number);
    readonly lat: number;
    readonly lon: number;
    readonly height: number;
    distanceTo(point: LatLonEllipsoidal_Vincenty): number;
    initialBearingTo(point: LatLonEllipsoidal_Vincenty): number;
    finalBearingTo(point: LatLonEllipsoidal_Vincenty): number;
    destinationPoint(distance: number, initialBearing: number): LatLonEllipsoidal_Vincenty;
    finalBearingOn(distance: number, initialBearing: number): number;
    toCartesian(): { x: number; y: number; z: number };
    /** Unrounded Vincenty inverse; throws EvalError when the iteration fails (near-antipodal points). */
    inverse(point: LatLonEllipsoidal_Vincenty): {
      distance: number;
      initialBearing: number;
      finalBearing: number;
    };
  }
}

declare module "geodesy/latlon-ellipsoidal.js" {
  export class Cartesian {
    constructor(x: number, y: number, z: number);
    toLatLon(): { lat: number; lon: number; height: number };
  }
}
