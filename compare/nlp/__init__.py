"""Pure NLP code: text and arrays in, dataclasses out.

Nothing under this package imports Django or touches a database; the service
layer (``compare/ingest.py``, ``compare/stories.py``) is the only bridge.
"""
