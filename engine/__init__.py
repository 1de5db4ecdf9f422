"""Pure classification logic: plain Python over plain data, no database."""
