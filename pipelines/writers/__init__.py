"""Writers: Parquet shards in the Hugging Face Hub layout, validated against the record schema."""
