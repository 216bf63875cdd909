#!/usr/bin/python3
"""Checks the monthly figures of `faultline stats --json` against python_jira_stats.py and the
seed's manifest (make_seed.py --manifest), and summarises the timings of run.sh.

  compare.py figures --manifest M [--python P.json] [--faultline F.json ...] [--strict]
      Fault counts per month and counts by level must agree everywhere (exit 1 otherwise);
      actions created / done and the median / p90 time to recover are compared too, and are
      failures only with --strict (the wording of those figures in faultline's JSON is the
      lead's; differences are printed either way). A month present on one side only must
      have no faults on the other.

  compare.py times NAME=FILE... [--target-ratio R] [--target-rss-kib K]
      Each FILE holds one line per round: "wall_s peak_rss_kib user_s sys_s sandbox_cpu_s"
      (/usr/bin/time -f '%e %M %U %S', then the CPU the sandbox spent meanwhile). Prints the
      rounds and medians, the ratio of the first NAME's median wall time to the second's (and
      of their CPU times, for information) and whether the second NAME met the targets
      (exit 3 when not).
"""

import json
import statistics
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def period_label(p, index, fallback_labels):
    for key in ("label", "period", "month", "name"):
        v = p.get(key)
        if isinstance(v, str):
            return v
        if isinstance(v, dict) and isinstance(v.get("label"), str):
            return v["label"]
    period = p.get("period")
    start = p.get("start") or (period.get("start") if isinstance(period, dict) else None)
    if isinstance(start, str) and len(start) >= 7:
        return start[:7]
    return fallback_labels[index] if index < len(fallback_labels) else f"#{index}"


def figures_of_faultline(doc, fallback_labels):
    """month -> {faults, by_level?, actions_created?, actions_done?, ttr_median?, ttr_p90?}."""
    periods = doc.get("periods")
    if not isinstance(periods, list):
        raise SystemExit("compare.py: faultline's JSON has no periods[] array")
    out = {}
    notes = set()
    for i, p in enumerate(periods):
        label = period_label(p, i, fallback_labels)
        row = {"faults": p.get("faults")}
        if isinstance(p.get("by_level"), dict):
            row["by_level"] = {k: v for k, v in p["by_level"].items() if v}
        else:
            notes.add("no periods[].by_level")
        a = p.get("actions")
        if isinstance(a, dict):
            if "created" in a:
                row["actions_created"] = a["created"]
            if "done" in a:
                row["actions_done"] = a["done"]
            elif "done_on_time" in a or "done_late" in a:
                row["actions_done"] = a.get("done_on_time", 0) + a.get("done_late", 0)
        else:
            notes.add("no periods[].actions")
        t = p.get("time_to_recover") or p.get("time_to_recover_minutes")
        if isinstance(t, dict):
            row["ttr_median"], row["ttr_p90"] = t.get("median"), t.get("p90")
        else:
            notes.add("no periods[].time_to_recover")
        out[label] = row
    return out, notes


def figures_of_python(doc):
    out = {}
    for p in doc["periods"]:
        t = p["time_to_recover"]
        out[p["label"]] = {"faults": p["faults"], "by_level": {k: v for k, v in p["by_level"].items() if v},
                           "actions_created": p["actions"]["created"], "actions_done": p["actions"]["done"],
                           "ttr_median": t["median"], "ttr_p90": t["p90"]}
    return out


def figures_of_manifest(doc):
    return {label: {"faults": m["faults"], "by_level": {k: v for k, v in m["by_level"].items() if v},
                    "actions_created": m["actions_created"], "actions_done": m["actions_done"]}
            for label, m in doc["months"].items()}


STRICT = ("faults", "by_level")
ADVISORY = ("actions_created", "actions_done", "ttr_median", "ttr_p90")


def same(key, a, b):
    if key.startswith("ttr_"):
        if a is None or b is None:
            return a is None and b is None
        return abs(a - b) <= 0.01
    return a == b


def compare(name_a, a, name_b, b, strict):
    """Prints the differences; returns (hard failures, soft differences)."""
    hard = soft = 0
    for label in sorted(set(a) | set(b)):
        ra, rb = a.get(label), b.get(label)
        if ra is None or rb is None:
            present = ra or rb
            if present.get("faults"):
                print(f"  MISMATCH {label}: only {name_a if ra else name_b} has this month ({present['faults']} faults)")
                hard += 1
            continue
        for key in STRICT + ADVISORY:
            if key not in ra or key not in rb:
                continue
            if not same(key, ra[key], rb[key]):
                hard_one = key in STRICT or strict
                shown = [dict(sorted(v.items())) if isinstance(v, dict) else v for v in (ra[key], rb[key])]
                print(f"  {'MISMATCH' if hard_one else 'differs '} {label} {key}: {name_a} {shown[0]} vs {name_b} {shown[1]}")
                if hard_one:
                    hard += 1
                else:
                    soft += 1
    return hard, soft


def cmd_figures(argv):
    manifest = python = None
    faultline = []
    strict = False
    i = 0
    while i < len(argv):
        if argv[i] == "--manifest":
            manifest, i = argv[i + 1], i + 2
        elif argv[i] == "--python":
            python, i = argv[i + 1], i + 2
        elif argv[i] == "--faultline":
            faultline.append(argv[i + 1])
            i += 2
        elif argv[i] == "--strict":
            strict, i = True, i + 1
        else:
            raise SystemExit(f"compare.py figures: unknown argument {argv[i]}")
    truth = figures_of_manifest(load(manifest))
    labels = sorted(truth)
    failures = 0
    sides = []
    if python:
        sides.append(("python", python, figures_of_python(load(python))))
    for path in faultline:
        figs, notes = figures_of_faultline(load(path), labels)
        for n in sorted(notes):
            print(f"  note: {path}: {n} (not compared)")
        sides.append(("faultline", path, figs))
    for name, path, figs in sides:
        hard, soft = compare("seed", truth, name, figs, strict)
        total = sum(r.get("faults") or 0 for r in figs.values())
        print(f"  {name} ({path}): {total} faults in {len(figs)} months; "
              f"{'agrees with the seed' if hard == 0 else f'{hard} mismatch(es) with the seed'}"
              f"{f', {soft} advisory difference(s)' if soft else ''}")
        failures += hard
    if python and faultline:
        py = sides[0][2]
        for name, path, figs in sides[1:]:
            hard, soft = compare("python", py, "faultline", figs, strict)
            print(f"  faultline vs python ({path}): "
                  f"{'monthly counts agree' if hard == 0 else f'{hard} mismatch(es)'}"
                  f"{f', {soft} advisory difference(s)' if soft else ''}")
            failures += hard
    return 1 if failures else 0


def read_times(path):
    """Rows of "wall_s peak_rss_kib [user_s sys_s [sandbox_cpu_s]]"."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                nums = [float(p) for p in parts]
                rows.append({"wall": nums[0], "rss": int(nums[1]),
                             "cpu": nums[2] + nums[3] if len(nums) >= 4 else None,
                             "sandbox": nums[4] if len(nums) >= 5 else None})
    return rows


def median_of(rows, key):
    values = [r[key] for r in rows if r[key] is not None]
    return statistics.median(values) if values else None


def cmd_times(argv):
    target_ratio, target_rss = 5.0, 60 * 1024
    series = []
    i = 0
    while i < len(argv):
        if argv[i] == "--target-ratio":
            target_ratio, i = float(argv[i + 1]), i + 2
        elif argv[i] == "--target-rss-kib":
            target_rss, i = int(argv[i + 1]), i + 2
        else:
            name, _, path = argv[i].partition("=")
            series.append((name, read_times(path)))
            i += 1
    for name, rows in series:
        if not rows:
            raise SystemExit(f"compare.py times: no rounds recorded for {name}")
        cpu, sandbox = median_of(rows, "cpu"), median_of(rows, "sandbox")
        walls = " ".join(f"{r['wall']:.2f}" for r in rows)
        print(f"  {name:<15} wall s: {walls}  median {median_of(rows, 'wall'):.2f}"
              f"{f'; client CPU {cpu:.2f} s' if cpu is not None else ''}"
              f"{f'; sandbox CPU {sandbox:.2f} s' if sandbox is not None else ''}"
              f"; peak RSS median {median_of(rows, 'rss') / 1024:.1f} MiB, max {max(r['rss'] for r in rows) / 1024:.1f} MiB")
    met = True
    if len(series) >= 2:
        (base_name, base), (name, rows) = series[0], series[1]
        ratio = median_of(base, "wall") / median_of(rows, "wall")
        rss_max = max(r["rss"] for r in rows)
        ok_ratio, ok_rss = ratio >= target_ratio, rss_max <= target_rss
        met = ok_ratio and ok_rss
        print(f"  ratio {base_name}/{name}, wall (medians): {ratio:.2f}x  target >= {target_ratio:g}x: "
              f"{'met' if ok_ratio else 'MISSED'}")
        if median_of(base, "cpu") and median_of(rows, "cpu"):
            print(f"  ratio {base_name}/{name}, client CPU (medians, information): "
                  f"{median_of(base, 'cpu') / median_of(rows, 'cpu'):.2f}x")
        print(f"  {name} peak RSS (max over rounds): {rss_max / 1024:.1f} MiB  target <= {target_rss / 1024:g} MiB: "
              f"{'met' if ok_rss else 'MISSED'}")
    return 0 if met else 3


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("figures", "times"):
        raise SystemExit(__doc__)
    return (cmd_figures if sys.argv[1] == "figures" else cmd_times)(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
