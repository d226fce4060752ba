"""The static site and ``show``: resources, articles and who said what, as people read them."""
