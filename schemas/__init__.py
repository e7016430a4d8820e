"""Schemas: the record schema and the run definition, validated before any work starts.

Why it exists: every stage, engine and output reads the same record fields and the same settings;
one versioned Arrow schema and one settings model (with a clear error for a bad key) keep them in
agreement.
"""
