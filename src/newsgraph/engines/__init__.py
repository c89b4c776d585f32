"""Engines run the same stage functions with different schedulers: in-process, a local process pool
(:mod:`newsgraph.engines.local`) or, for corpora that outgrow one machine, dask.distributed."""
