"""Language identification: which language (and script) each document is written in.

Why it exists: the language label decides which data set a document feeds, so its mistakes become
cultural bias. This package makes it precise, measurable and swappable:

- :mod:`.labels`: one mapping from every code form to ``xxx_Scrp`` (ISO 639-3 + ISO 15924) and back;
- :mod:`.scripts`, :mod:`.refine`: the text's script from Unicode properties, used to fix labels;
- :mod:`.prepare`: clean text and a bounded beginning/middle/end sample;
- :mod:`.backend`, :mod:`.fasttext_backend`, :mod:`.heliport_backend`, :mod:`.models`: identifiers
  (lid.176 embedded, GlotLID, OpenLID, custom fastText, heliport) behind one interface;
- :mod:`.ensemble`, :mod:`.mixed`, :mod:`.thresholds`: second opinion, mixed documents, thresholds;
- :mod:`.labeller`: the whole decision; :mod:`.step`: the pipeline stage ``LanguageId``;
- :mod:`.evaluate`, :mod:`.udhr`, :mod:`.cli`: ``lingoloom eval langid`` and its UDHR loader.
"""
