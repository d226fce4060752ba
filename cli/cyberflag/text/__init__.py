"""Views: what people read. Tables and record layout, IRI shortening, result formats, and the
who-said, catalogue, stats and validation-report views."""
