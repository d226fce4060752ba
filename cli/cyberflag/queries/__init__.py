"""The saved queries (``queries/*.rq``): their ``#+`` headers, parameters bound as RDF terms,
the catalogue, and the commands' readings of them (who-said)."""
