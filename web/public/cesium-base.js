// Where Cesium finds its workers, widgets and bundled imagery: served by allylink serve, never the network.
window.CESIUM_BASE_URL = "/cesium/";
