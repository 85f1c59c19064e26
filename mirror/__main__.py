"""``python -m mirror generate|serve``: build the mirror tree, or serve it in the foreground."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from ann.settings import get_settings
from ann.sources import load_registry
from mirror.generate import generate
from mirror.server import MirrorServer


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m mirror")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write the mirror tree and manifest.json")
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--prose-dir", type=Path, default=settings.mirror_prose_dir,
                     help="real prose laid out like ../shared (default: ANN_MIRROR_PROSE_DIR; "
                          "unset: the mirror writes its own)")
    gen.add_argument("--per-site", type=int, default=50)
    gen.add_argument("--extra", type=int, default=0)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--copies", type=int, default=0,
                     help="member-to-member republications added (the hub reprints anyway)")
    serve = commands.add_parser("serve", help="serve a generated tree on 127.0.0.1")
    serve.add_argument("--root", type=Path, required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=settings.mirror_port)
    args = parser.parse_args(argv)
    if args.command == "generate":
        manifest = generate(args.out, load_registry(), per_site=args.per_site, seed=args.seed,
                            extra=args.extra, copies=args.copies, prose_dir=args.prose_dir)
        print(f"wrote {len(manifest.articles)} articles for {len(manifest.sites)} sites "
              f"to {args.out}")
        return 0
    server = MirrorServer(args.root, host=args.host, port=args.port)
    print(f"mirror serving {args.root} at {server.url} (send the real Host header)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
