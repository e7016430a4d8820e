"""Sources: readers that turn WARC files (and other inputs) into raw records for the pipeline."""
