"""How often the upload check refuses a harmless large PDF, and how long it takes.

    .venv/bin/python bench/upload_checks.py [--files 60] [--mb 20]

Each file is a one-page PDF carrying one image stream of random bytes (what a JPEG's
compressed data looks like to a byte scanner) of ``--mb`` megabytes. Reports the share
refused (target 0) and the check's time per file. The random bytes come from a fixed seed,
so a run is repeatable.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from dgov.documents.checks import validate_upload  # noqa: E402
from dgov.documents.tests import files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--mb", type=float, default=20)
    args = parser.parse_args()
    rng = random.Random(2018)
    size = int(args.mb * 1024 * 1024) - 2048
    refused, seconds = 0, []
    for _ in range(args.files):
        noise = rng.randbytes(size)
        image = files._stream(b"/Type /XObject /Subtype /Image /Filter /DCTDecode", noise)
        content = files.pdf(b"", extra_objects=[image])
        upload = SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")
        started = time.perf_counter()
        try:
            validate_upload(upload)
        except ValidationError:
            refused += 1
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    print(f"{args.files} harmless PDFs of {args.mb:g} MB: {refused} refused ({refused / args.files:.1%})")
    print(f"check time per file: median {seconds[len(seconds) // 2] * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
