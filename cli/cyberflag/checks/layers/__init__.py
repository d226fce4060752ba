"""The verification layers: syntax, shapes, anchoring (with editorial rule 1's quotations),
arithmetic, consistency, vocabulary. Each returns findings and owns its summary line."""
