"""`lingoloom estimate`: what a whole input would cost, projected from a measured sample.

Why it exists: before a data team books a cluster for a Common Crawl dump (~90,000 WARC files,
~100 TB) it wants core-hours, wall time, intermediate storage and money, not guesses. What enters:
a run definition and a sample size (records or WARC files). :mod:`.sample` draws a stride sample
of the inputs' records into small WARC files, :mod:`.measure` runs the definition on two sample
sizes with the local engine in a clean subprocess (CPU seconds, wall seconds and peak RSS per
phase, bytes per stage), :mod:`.project` fits a fixed-plus-per-record cost and projects it to the
definition's whole input and to a dump, per engine. What leaves: a table on the terminal and the
same figures as JSON (:mod:`.cli`).
"""
