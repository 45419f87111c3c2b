"""gunicorn settings that the production command picks up (gunicorn reads ./gunicorn.conf.py).

The access log leaves the tokens in calendar, unsubscribe, reset and invitation links out
(leernetwerk/access_log.py)."""

logger_class = "leernetwerk.access_log.RedactingLogger"
accesslog = "-"


def post_worker_init(worker) -> None:  # noqa: ANN001 - gunicorn's hook
    """Load the Dutch lexicon (compound splitting) before the worker takes its first request, so
    no visitor waits the 2-3 seconds its first use costs; kept out of the garbage collector's
    sight like the rest of what the worker holds for its whole life (wsgi.py)."""
    import gc

    from leernetwerk.library.text import lexicon

    lexicon()
    gc.collect()
    gc.freeze()
