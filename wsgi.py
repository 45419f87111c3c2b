import gc

from leernetwerk import create_app

app = create_app()

# What create_app built (models, templates, translations, routes) lives as long as the process:
# move it out of the garbage collector's sight, so that a collection during a request scans only
# what that request made (it costs every request a few milliseconds otherwise).
gc.collect()
gc.freeze()
# Collect the young generation after 50,000 new objects instead of 700: a request's objects
# (the ORM's, Jinja's) are then mostly gone before a collection, instead of moved on to the old
# generation, whose collections also walk every cache the process keeps (compiled statements,
# the library's search state): 130-160 ms, now and then, in the middle of someone's request.
gc.set_threshold(50_000, 20, 100)
