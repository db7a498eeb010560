"""``python -m groggy bench``: the command line of the benchmark report."""
from __future__ import annotations

import sys

from groggy.bench.areas import AREAS
from groggy.bench.sizes import SIZES


def add_parser(sub) -> None:
    bench = sub.add_parser(
        "bench", help="benchmark groggy against its peers and write a report",
        description="Run the benchmark areas and write DIR/report.md, report.html, "
                    "report.json and plots. Peers that are not installed are listed as "
                    "skipped (GROGGY_BENCH_PEER_MODULES=peer=module imports a peer from "
                    "another module name). Exits 1 when engines disagree on an answer "
                    "or a benchmark fails; never because of a timing.")
    bench.add_argument("--size", choices=list(SIZES), default="small",
                       help="tiny (CI, < 1 min), small (~2 min on 2 cores, default), "
                            "medium, large (1M nodes / 5M edges)")
    bench.add_argument("--only", nargs="+", choices=list(AREAS), metavar="AREA",
                       help=f"run only these areas: {', '.join(AREAS)}")
    bench.add_argument("--out", default="bench-report", metavar="DIR",
                       help="where the report goes (default ./bench-report)")
    bench.set_defaults(run=main)


def main(args) -> int:
    from groggy.bench.runner import run
    command = "python -m groggy bench --size " + args.size + (
        " --only " + " ".join(args.only) if args.only else "")
    result = run(args.size, args.only, args.out, command=command)
    print(f"report: {args.out}/report.md and {args.out}/report.html "
          f"({result.seconds:.0f} s, {len(result.rows)} benchmarks)")
    for a, c, msg in result.wrong:
        print(f"WRONG ANSWER in {a}: {c}: {msg}", file=sys.stderr)
    for a, c, msg in result.errors:
        print(f"ERROR in {a}: {c}: {msg}", file=sys.stderr)
    return 0 if result.ok else 1
