// Globals the fixtures install in every test page (tests/helpers/random.ts).
declare function testRandom(seed: number): () => number;
declare function testGauss(r: () => number): number;
