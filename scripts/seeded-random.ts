/**
 * mulberry32: a small seeded generator. Fixtures, the demo releases, the benchmark's inputs and
 * the fault proxy all use it, so a run can be replayed from its seed and generated files stay
 * byte-for-byte the same.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
