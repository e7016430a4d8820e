"""The pipeline: sources, stages, engines and outputs that turn web pages into a published dataset.

Why it exists: one run definition must run the same way on the local engine and on Apache Beam,
so the stage order (``graph.py``), the record steps, the readers, the writers, the card and the
manifest live here, shared by both engines.
"""
