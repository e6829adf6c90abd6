"""``lkj-bot demo``, ``render-samples`` and ``guides``: the offline demo, the sample
documents and the picture guides (the demo/ package, loaded only when one of them runs)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

# The demo, samples and guides live in demo/, apart from the running bot (they drive the bot
# against emulator/): their commands load it when they run, never at import.


def _render_samples(args: argparse.Namespace) -> int:
    from demo.render_samples import render_samples

    pdfs = asyncio.run(render_samples(Path(args.output)))
    for pdf in pdfs:
        print(pdf)
    return 0


def _guides(args: argparse.Namespace) -> int:
    from demo.guides import build_guides

    output = Path(args.output)
    for guide in asyncio.run(build_guides(output)):
        print(output / f"{guide.slug}.html", output / f"{guide.slug}.pdf")
        for after in guide.missing:
            print(f"  catatan tanpa pesan: “{after}”", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    if args.onboarding:
        from demo.onboarding import run_onboarding_demo

        asyncio.run(run_onboarding_demo(Path(args.output), quiet=args.quiet))
        return 0
    from demo.quarter import run_demo

    asyncio.run(run_demo(Path(args.output), quiet=args.quiet))
    return 0


def add_commands(sub: Any) -> None:
    """The parsers of these commands, each naming its function."""
    demo = sub.add_parser("demo", help="demo luring: emulator + bot + pengguna simulasi")
    demo.add_argument("--output", default="demo-output", help="folder hasil (PDF)")
    demo.add_argument("--quiet", action="store_true", help="tanpa transkrip percakapan")
    demo.add_argument(
        "--onboarding", action="store_true", help="menyiapkan unit baru melalui undangan"
    )
    samples = sub.add_parser(
        "render-samples", help="buat semua dokumen dari data contoh (PDF dan pratinjau PNG)"
    )
    samples.add_argument("--output", default="samples-output", help="folder hasil")
    guides = sub.add_parser(
        "guides", help="buat panduan bergambar per peran dari peragaan (HTML dan PDF)"
    )
    guides.add_argument("--output", default="docs/panduan", help="folder hasil")
    demo.set_defaults(handler=_demo)
    samples.set_defaults(handler=_render_samples)
    guides.set_defaults(handler=_guides)
