import gc

from leernetwerk import create_app

app = create_app()

# What create_app built (models, templates, translations, routes) lives as long as the process:
# move it out of the garbage collector's sight, so that a collection during a request scans only
# what that request made (it costs every request a few milliseconds otherwise).
gc.collect()
gc.freeze()
