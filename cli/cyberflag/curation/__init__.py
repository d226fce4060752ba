"""Growing the graph: a new article's text in, drafts of its facts out (``cyberflag add``)."""
