"""Renders a GDS to PNG with KLayout (the layout pictures in docs/).

    python layout_png.py CHIP.gds OUT.png WIDTH HEIGHT [X0 Y0 X1 Y1]

The whole chip, or the box X0 Y0 – X1 Y1 (µm) of it.
"""

import sys

import klayout.db as db
import klayout.lay as lay

v = lay.LayoutView()
v.load_layout(sys.argv[1], True)
v.max_hier()
if len(sys.argv) == 9:
    v.zoom_box(db.DBox(*map(float, sys.argv[5:9])))
else:
    v.zoom_fit()
v.set_config("background-color", "#ffffff")
v.save_image(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
