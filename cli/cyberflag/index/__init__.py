"""The query index: the data files loaded once into an Oxigraph store, in memory when small,
else on disk and reused while the files are unchanged."""
