"""Engines: the same run definition executed locally (datatrove) or at scale (Apache Beam)."""
