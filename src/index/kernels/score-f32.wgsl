// float32 rows, padded to a multiple of 4 dims: score = dot(row, query).
@group(0) @binding(5) var<storage, read> vecs: array<vec4<f32>>;

fn score(local: u32) -> f32 {
  let off = local * params.dims4;
  var acc = vec4<f32>(0.0);
  for (var w = 0u; w < params.dims4; w++) {
    acc += vecs[off + w] * query[w];
  }
  return acc.x + acc.y + acc.z + acc.w;
}
