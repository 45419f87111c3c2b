"""gunicorn settings that the production command picks up (gunicorn reads ./gunicorn.conf.py).

The access log leaves the tokens in calendar, unsubscribe, reset and invitation links out
(leernetwerk/access_log.py)."""

logger_class = "leernetwerk.access_log.RedactingLogger"
accesslog = "-"
