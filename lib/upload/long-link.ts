// The default parallelism follows the round trip: on a long link a part's connection idles for a
// round trip after its last byte, so more parts in flight keep the link busy meanwhile. With
// the default 4 over bench's 150 ms, 48 MiB/s link model (1 GiB): 0.91 of the link; with 8: 0.93,
// 1.02× ali-oss 8 MiB × 4 (bench/README.md). Locally 8 were 2–3% slower than 4 and take 8 MiB
// more of windows, so the upload starts with 4 and takes 8 only when its first request (Initiate,
// or ListParts on a resume) shows a long round trip. A `parallel` given by the caller is kept.

/** Parts in flight with the defaults once the first request took LONG_ROUND_TRIP_MS or more. */
export const LONG_LINK_PARALLEL = 8;
/**
 * A first request this slow means a long link: it takes a round trip (two with a new connection's
 * handshake, more with TLS), while on loopback or in the same region it takes a few milliseconds.
 */
export const LONG_ROUND_TRIP_MS = 100;

/** Parts in flight for an upload whose first request took `firstRequestMs`: `base`, or `longLink` (what the connections and memory allow of LONG_LINK_PARALLEL) on a long link. */
export function partsInFlightFor(firstRequestMs: number | undefined, base: number, longLink: number): number {
  return firstRequestMs !== undefined && firstRequestMs >= LONG_ROUND_TRIP_MS ? Math.max(base, longLink) : base;
}
