// Exact scoring + per-workgroup top-k. Each workgroup owns a segment of WG*PER vectors; every thread
// scores PER of them into registers, then the workgroup runs k selection rounds: in round r each
// thread proposes its best candidate strictly below the previous pick (under the total order
// "score desc, then global index asc"), a shared-memory tree reduction picks the winner, and thread 0
// writes it. Only k candidates per workgroup leave the GPU; the host merges them.
// The scoring half (bindings 5+, fn score) is appended per storage format.

const WG: u32 = 256u;
const PER: u32 = 8u;
const NONE: u32 = 0xffffffffu;

struct Params {
  n: u32,       // vectors in this shard
  dims4: u32,   // vec4 (float32) or packed-int8 words per vector
  k: u32,       // candidates per workgroup
  base: u32,    // global slot of the shard's first vector
  outBase: u32, // first output row of this shard's workgroups
  useMask: u32, // 1: skip global slots whose mask bit is 0
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> query: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> outScores: array<f32>;
@group(0) @binding(4) var<storage, read_write> outIdx: array<u32>;

var<workgroup> redS: array<f32, 256>;
var<workgroup> redI: array<u32, 256>;

fn better(sa: f32, ia: u32, sb: f32, ib: u32) -> bool {
  if (ia == NONE) { return false; }
  if (ib == NONE) { return true; }
  return sa > sb || (sa == sb && ia < ib);
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var s: array<f32, 8>;
  var ix: array<u32, 8>;
  let segStart = wid.x * WG * PER;
  for (var e = 0u; e < PER; e++) {
    let local = segStart + e * WG + lid.x;
    s[e] = 0.0;
    ix[e] = NONE;
    if (local < params.n) {
      let g = params.base + local;
      var ok = true;
      if (params.useMask != 0u) {
        ok = (mask[g >> 5u] & (1u << (g & 31u))) != 0u;
      }
      if (ok) {
        s[e] = score(local);
        ix[e] = g;
      }
    }
  }

  var ts = 0.0;
  var ti = NONE;
  var first = true;
  let outRow = (params.outBase + wid.x) * params.k;
  for (var r = 0u; r < params.k; r++) {
    var bs = 0.0;
    var bi = NONE;
    for (var e = 0u; e < PER; e++) {
      if (ix[e] != NONE && (first || better(ts, ti, s[e], ix[e])) && better(s[e], ix[e], bs, bi)) {
        bs = s[e];
        bi = ix[e];
      }
    }
    redS[lid.x] = bs;
    redI[lid.x] = bi;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride >> 1u) {
      if (lid.x < stride) {
        let os = redS[lid.x + stride];
        let oi = redI[lid.x + stride];
        if (better(os, oi, redS[lid.x], redI[lid.x])) {
          redS[lid.x] = os;
          redI[lid.x] = oi;
        }
      }
      workgroupBarrier();
    }
    ts = redS[0];
    ti = redI[0];
    first = false;
    workgroupBarrier();
    if (lid.x == 0u) {
      outScores[outRow + r] = ts;
      outIdx[outRow + r] = ti;
    }
  }
}
