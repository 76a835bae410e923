"""Impact: the append-only attribution ledger and what it says about whom sales helped."""
