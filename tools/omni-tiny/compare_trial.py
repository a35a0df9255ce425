"""Side by side: a baseline's metrics against a candidate's, with issue #14's targets marked.

Usage: python3 compare_trial.py BASE_DIR CAND_DIR [BASE_NAME]
BASE_NAME labels the baseline's column (default "shipped": tools/omni-tiny holds the shipped model's figures,
v1's until v2 shipped, so trials before trial 6 printed "v1" there).
Each DIR holds metrics.json (eval.mjs --json) and families.json (eval_families.mjs --json); the shipped
model's are tools/omni-tiny/metrics.json and families_metrics.json, so BASE_DIR may be tools/omni-tiny.
Prints markdown for the model card; exit status 0 whatever the outcome (it reports, it does not gate).
A difference is called "below"/"above" only past two standard errors (noise()); smaller ones are marked
"within 2σ", since one seeded draw of a 30-item row moves it by more than a recipe change often does.
"""
import json
import os
import sys

# families renamed since the v1 baseline was measured
RENAMED = {"audio: flite (second TTS engine)": "audio: flite (TTS engine not in training)"}
BACKGROUND = ("background", "control: training renderer (dark)")
HELD_OUT_VOICES = ("flite", "not in training", "15 dB")


def load(d, names):
    for n in names:
        p = os.path.join(d, n)
        if os.path.exists(p):
            return json.load(open(p))
    raise SystemExit(f"none of {names} in {d}")


def target(family, task_or_probe):
    """Issue #14's bar for this row, or None where the issue sets none."""
    kind, name = family.split(": ", 1)
    if kind == "image" and task_or_probe == "text→image" and any(b in name for b in BACKGROUND):
        return 0.85
    if kind == "image" and task_or_probe in ("colour", "shape", "size", "position", "digit"):
        return 0.9
    if kind == "video" and task_or_probe == "direction":
        return 0.95
    if kind == "audio" and any(v in name for v in HELD_OUT_VOICES):
        return 0.8
    return None


def cell(v):
    return "–" if v is None else f"{v:.3f}"


def noise(base, cand, n):
    """Two standard errors of the difference of two rates over n items each, from their pooled rate, with a
    floor of one item: what the seeded draw alone can move a row by (trial 11 moved 30-item rows by 0.17)."""
    p = (base + cand) / 2
    return max(2 * (2 * p * (1 - p) / n) ** 0.5, 1 / n)


def mark(base, cand, bar, name, n):
    notes = []
    if bar is not None:
        notes.append(f"≥ {bar} " + ("✅" if cand >= bar else "❌"))
    if base is not None and abs(cand - base) > 1e-9:
        side = "below" if cand < base else "above"
        notes.append(f"{side} {name}" if abs(cand - base) > noise(base, cand, n) + 1e-9 else f"({side} {name}, within 2σ)")
    return ", ".join(notes)


def main():
    base_dir, cand_dir = sys.argv[1:3]
    name = sys.argv[3] if len(sys.argv) > 3 else "shipped"
    bf = load(base_dir, ["families.json", "families_metrics.json"])["families"]
    cf = load(cand_dir, ["families.json", "families_metrics.json"])["families"]
    print(f"| family | row | {name} | candidate | target / note |\n|---|---|---|---|---|")
    for fam, c in cf.items():
        b = bf.get(fam) or bf.get(next((o for o, n in RENAMED.items() if n == fam), ""), {})
        task = next(k for k in c if "→" in k)
        bv = b.get(task, {}).get("r1")
        print(f"| {fam} | {task} R@1 | {cell(bv)} | {cell(c[task]['r1'])} | {mark(bv, c[task]['r1'], target(fam, task), name, c[task]['n'])} |")
        for p, pv in c.get("probes", {}).items():
            if p == "reversed":
                continue
            bp = b.get("probes", {}).get(p, {}).get("acc")
            print(f"| {fam} | {p} probe | {cell(bp)} | {cell(pv['acc'])} | {mark(bp, pv['acc'], target(fam, p), name, pv['n'])} |")
    bm = load(base_dir, ["metrics.json"])
    cm = load(cand_dir, ["metrics.json"])
    print(f"\n| committed held-out set (`data/heldout/`, fp32) | {name} | candidate | note |\n|---|---|---|---|")
    for task, v in cm["retrieval"]["fp32"].items():
        if task == "probes":
            continue
        bv = bm["retrieval"]["fp32"].get(task, {}).get("r1")
        print(f"| {task} R@1 | {cell(bv)} | {cell(v['r1'])} | {mark(bv, v['r1'], None, name, v['n'])} |")
    for p, v in cm["retrieval"]["fp32"]["probes"].items():
        bv = bm["retrieval"]["fp32"]["probes"].get(p, {}).get("acc")
        print(f"| probe: {p} | {cell(bv)} | {cell(v['acc'])} | {mark(bv, v['acc'], None, name, v['n'])} |")
    q8 = cm["fidelity"]["q8"]
    mean = sum(g["mean"] for g in q8.values()) / len(q8)
    print(f"\nq8 (`_quantized`) mean cosine to fp32 over {len(q8)} graphs: {mean:.5f} "
          + ("✅" if mean >= 0.995 else "❌") + " (target ≥ 0.995)")


if __name__ == "__main__":
    main()
