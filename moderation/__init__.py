"""The safety layer built on rooms: text policy, sanitising and (later) risk detection and escalation."""
