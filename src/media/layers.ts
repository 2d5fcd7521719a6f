// Which simulcast layer a viewer gets. The browser says how tall it shows a video (in device
// pixels); the server sends the smallest layer at least that tall, so a thumbnail costs a
// thumbnail's bandwidth and a weak receiver is not sent 720p it will scale down anyway.

/** Capture height assumed when the publisher did not say (a typical webcam). */
export const DEFAULT_CAPTURE_HEIGHT = 720;

/**
 * Heights of a producer's layers, lowest first. mediasoup-client keeps the encodings'
 * scaleResolutionDownBy; without it, each layer is taken as half the next.
 */
export function layerHeights(encodings: ReadonlyArray<{ scaleResolutionDownBy?: number }>, captureHeight: number): number[] {
  const n = encodings.length;
  return encodings.map((e, i) => captureHeight / (e.scaleResolutionDownBy ?? 2 ** (n - 1 - i)));
}

/**
 * The spatial layer for a viewer showing the video `wanted` pixels tall: the lowest layer within
 * 10% of that height, else the highest. Layers are in ascending order.
 */
export function pickSpatialLayer(heights: readonly number[], wanted: number): number {
  if (heights.length === 0) return 0;
  const i = heights.findIndex((h) => h >= wanted * 0.9);
  return i === -1 ? heights.length - 1 : i;
}
