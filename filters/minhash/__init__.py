"""Near-duplicate removal with MinHash LSH: the same clusters and survivors on the local engine and on Beam.

Why it exists: near-duplicates (mirrors, templated pages, syndicated news) are most of the
web's redundancy, and peers either hold every edge in one process or keep an arbitrary copy.

- :mod:`.shingles`: normalisation and script-aware shingling (word n-grams, or character
  n-grams for scripts written without spaces): the readable definition and the per code
  point tables the kernel uses;
- :mod:`.kernel`: numba kernels that fold, shingle, hash and take the permutation minimum of
  each document in one pass;
- :mod:`.signature`: datasketch-compatible signatures (``Signer``), band keys, URL keys;
- :mod:`.graph`: large-star / small-star connected components (numpy partitions, Beam nodes);
- :mod:`.spill` + :mod:`.local` + :mod:`.run_local`: the local engine,
  ``run_minhash_local(inputs, decisions_dir, work_dir, settings, workers)``;
- :mod:`.beam`: the Beam engine, ``MinHashDedup(settings)``;
- :mod:`.neardup` + :mod:`.evaluate` + :mod:`.cli`: near-duplicate generation, P/R/F1,
  ``lingoloom eval dedup``.
"""
