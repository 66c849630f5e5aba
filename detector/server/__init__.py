"""``mtlint serve``: the HTTP API and editor page, with the model loaded once per process.

One module per concern: ``cli`` (the subcommand), ``settings`` (limits and options),
``engine`` (detector calls, model loading), ``batcher`` (one model worker thread gathering
concurrent requests' sentences into one batch), ``guard`` (auth, concurrency, body limits),
``metrics`` and ``accesslog`` (observability), ``app`` (routes). Score records are
``mtlint score``'s own (:mod:`detector.batch.scoring`).
The OpenAPI description is a data file beside them; the editor page is the HTML report made
live (:func:`detector.formats.html.editor_page`).
"""
