"""Quality and duplicate filtering: which documents of each language are good enough to keep.

Why it exists: the per-language quality filters (driven by language packs), exact and near-duplicate
removal, and the language balance all decide what reaches the dataset; they live together so that
each decision is counted with its reason and applied the same way on every engine.
"""
