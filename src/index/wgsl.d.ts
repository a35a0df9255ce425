// WGSL kernels are imported as strings (vite `?raw`).
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
