"""Joins the JSON lines of tools/compare_peers.sh or tools/compare_zoo.sh (ours, PyTorch, ONNX
Runtime) into a markdown table of medians in µs with the ratio ours / best peer (lower is better)
and its geometric mean per thread count, followed by the same data as one JSON object on the last
line. Peers no row measured are left out; where rows carry our errors against the expected outputs
(max_abs, max_rel, matches) and bytes allocated per run, those get columns too.

Usage: python3 tools/peers/table.py RESULTS.jsonl
"""
import json
import math
import sys

PEERS = [("eager", "torch eager"), ("freeze", "torch freeze+ofi"), ("static", "torch static"), ("ort", "onnxruntime")]

EXTRAS = [("max_abs", "max abs err", lambda v: f"{v:.1e}"), ("max_rel", "max rel err", lambda v: f"{v:.1e}"),
          ("matches", "matches", lambda v: "ok" if v else "NO"),
          ("allocated_bytes_per_run", "B/run", lambda v: str(v))]


def fmt(v):
    return "n/a" if v is None else f"{v:.1f}"


def main():
    rows = {}
    for line in open(sys.argv[1]):
        r = json.loads(line)
        row = rows.setdefault((r["model"], r["threads"]), {"model": r["model"], "threads": r["threads"], "errors": {}, "notes": {}})
        row["errors"].update(r.pop("errors", {}))
        row["notes"].update(r.pop("notes", {}))
        row.update({k: v for k, v in r.items() if not k.endswith("_runs")})
    out = []
    for key in sorted(rows, key=lambda k: (k[1], k[0])):
        row = rows[key]
        peers = {k: row.get(k) for k, _ in PEERS if row.get(k) is not None}
        best = min(peers, key=peers.get) if peers else None
        row["best_peer"] = best
        row["best_us"] = peers[best] if best else None
        row["ratio"] = round(row["ours"] / row["best_us"], 3) if best and row.get("ours") else None
        out.append(row)
    peers = [(k, t) for k, t in PEERS if any(k in row for row in out)]
    extras = [(k, t, f) for k, t, f in EXTRAS if any(k in row for row in out)]
    head = ["model", "threads", "ours"] + [t for _, t in peers] + ["best peer", "ours/best"] + [t for _, t, _ in extras]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    geo = {}
    for row in out:
        cells = [row["model"], str(row["threads"]), fmt(row.get("ours"))] + [fmt(row.get(k)) for k, _ in peers]
        cells += [dict(PEERS).get(row["best_peer"], "n/a"), "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}"]
        cells += ["n/a" if row.get(k) is None else f(row[k]) for k, _, f in extras]
        print("| " + " | ".join(cells) + " |")
        if row["ratio"]:
            geo.setdefault(row["threads"], []).append(row["ratio"])
    means = {t: round(math.exp(sum(map(math.log, v)) / len(v)), 3) for t, v in sorted(geo.items())}
    for t, g in means.items():
        print(f"| **geomean** | {t} |" + " |" * (len(peers) + 2) + f" **{g:.2f}** |" + " |" * len(extras))
    notes = [(row["model"], row["threads"], k, e) for row in out for k, e in sorted(row["errors"].items())]
    if notes:
        print("\nn/a:")
        for m, t, k, e in notes:
            print(f"- {m} ({t} thread{'s' if t != 1 else ''}), {k}: {e}")
    notes = {(row["model"], k): n for row in out for k, n in row["notes"].items()}
    if notes:
        print("\nnotes:")
        for (m, k), n in sorted(notes.items()):
            print(f"- {m}, {k}: {n}")
    print()
    print(json.dumps({"unit": "us (median)", "rows": out, "geomean_ratio": {str(t): g for t, g in means.items()}}))


if __name__ == "__main__":
    main()
