"""Issue 8: the platform-wide proof of trust (permissions, accounts, input, faults)."""
