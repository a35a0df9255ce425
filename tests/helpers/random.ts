// Seeded test data, one copy for every test: Node-side tests import these; browser specs get the
// same two functions in every page as globals (`testRandom`, `testGauss`) from the fixtures, which
// install PAGE_RANDOM, the functions' own source, with page.addInitScript.
import { seededRandom } from '../../src/recommend/kmeans';

export { seededRandom };

/** A standard normal sample (Box–Muller) from a uniform generator. */
export function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

export const PAGE_RANDOM = `globalThis.testRandom = ${seededRandom.toString()};\nglobalThis.testGauss = ${gauss.toString()};`;
