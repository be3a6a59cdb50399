"""Renders a GDS to PNG with KLayout (the layout picture in docs/).

    python layout_png.py CHIP.gds OUT.png WIDTH HEIGHT
"""

import sys, klayout.lay as lay
v = lay.LayoutView()
v.load_layout(sys.argv[1], True)
v.max_hier()
v.zoom_fit()
v.set_config("background-color", "#ffffff")
v.save_image(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
