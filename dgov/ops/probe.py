"""Wait for a health endpoint: ``python -m dgov.ops.probe URL [SECONDS]``.

Exit 0 as soon as URL answers 200, 1 if it has not within SECONDS (default 30). The web
unit runs it after start (``ExecStartPost``), so ``systemctl start`` returns only when
the node answers, and the readiness timer runs it once against ``/readyz``. Standard
library only: it runs before Django is loaded.
"""

import sys
import time
import urllib.error
import urllib.request


def wait(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — an operator's own URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError) as error:
            last = error
        if time.monotonic() >= deadline:
            print(f"{url}: not healthy after {seconds:.0f} s ({last})", file=sys.stderr)
            return False
        time.sleep(0.5)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    return 0 if wait(argv[1], float(argv[2]) if len(argv) == 3 else 30.0) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
