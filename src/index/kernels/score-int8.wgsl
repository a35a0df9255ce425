// int8 rows packed 4 per u32 (little-endian), one float scale per row: score = scale * dot(q8, query).
@group(0) @binding(5) var<storage, read> vecs: array<u32>;
@group(0) @binding(6) var<storage, read> scales: array<f32>;

fn score(local: u32) -> f32 {
  let off = local * params.dims4;
  var acc = vec4<f32>(0.0);
  for (var w = 0u; w < params.dims4; w++) {
    let p = bitcast<i32>(vecs[off + w]);
    let v = vec4<f32>(f32(extractBits(p, 0u, 8u)), f32(extractBits(p, 8u, 8u)), f32(extractBits(p, 16u, 8u)), f32(extractBits(p, 24u, 8u)));
    acc += v * query[w];
  }
  return (acc.x + acc.y + acc.z + acc.w) * scales[local];
}
