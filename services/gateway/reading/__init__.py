"""The gateway's reads: queries over the read tables, the pool they run on, and one shared read per poll."""
