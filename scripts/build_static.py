"""Copy the pinned front-end packages from node_modules into src/somedesk/static/dist/.

Designsystemet ships its theme tokens and its component CSS as two files; we serve them as one so a
page makes a single stylesheet request. whitenoise serves the result.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DIST = ROOT / "src" / "somedesk" / "static" / "dist"

SOURCES = {
    "designsystemet.css": [
        NODE / "@digdir/designsystemet-css/dist/theme/designsystemet.css",
        NODE / "@digdir/designsystemet-css/dist/src/index.css",
    ],
    "htmx.min.js": [NODE / "htmx.org/dist/htmx.min.js"],
}


FONT_DIR = NODE / "@fontsource/inter"
FONT_WEIGHTS = (400, 500, 600, 700)
FONT_SUBSETS = ("latin", "latin-ext")  # Norwegian needs æ ø å (latin); latin-ext covers Sami letters


def inter_font_faces() -> bytes:
    """Inter, the typeface Designsystemet is drawn for, served from our own origin (no font CDN)."""
    (DIST / "fonts").mkdir(exist_ok=True)
    css = []
    for subset in FONT_SUBSETS:
        for weight in FONT_WEIGHTS:
            rule = (FONT_DIR / f"{subset}-{weight}.css").read_text()
            # Keep the woff2 source only; every supported browser reads it.
            rule = re.sub(r", url\(\./files/[^)]+\.woff\) format\('woff'\)", "", rule)
            for name in re.findall(r"\./files/([\w-]+\.woff2)", rule):
                shutil.copyfile(FONT_DIR / "files" / name, DIST / "fonts" / name)
            css.append(rule.replace("./files/", "fonts/"))
    return "\n".join(css).encode()


def main() -> int:
    missing = [str(p) for files in SOURCES.values() for p in files if not p.exists()]
    if missing:
        print("Missing front-end packages (run `npm ci` first):\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    DIST.mkdir(parents=True, exist_ok=True)
    for name, files in SOURCES.items():
        with open(DIST / name, "wb") as out:
            if name == "designsystemet.css":
                out.write(inter_font_faces())
            for path in files:
                out.write(path.read_bytes())
                out.write(b"\n")
    for licence in ("@digdir/designsystemet-css/LICENSE", "htmx.org/LICENSE", "@fontsource/inter/LICENSE"):
        src = NODE / licence
        if src.exists():
            shutil.copyfile(src, DIST / (licence.split("/")[-2] + ".LICENSE.txt"))
    print(f"static assets built in {DIST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
