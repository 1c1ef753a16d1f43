"""Many questions at once: reading CSV/JSONL rows and writing every one back with its verdict (rows),
checking them in chunks and worker processes with every row kept in order (runner), and the same
per partition on Dask (cluster).

May import the HR readers (batch --postings), deciding, the law and the foundation.
"""
