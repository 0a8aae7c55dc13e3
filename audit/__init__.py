"""An append-only, hash-chained record that compliance staff can trust."""
